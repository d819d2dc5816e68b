/**
 * Test helpers for storage tiers and data labs: a site's stacks with the storage wiring
 * applied (whether or not the stacks call it themselves yet), and small queries.
 */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import type { ClusterTarget } from '../../../constructs/core/cluster-target';
import type { SiteStacks } from '../../../stacks/site';
import type { SiteModel } from '../../../site-model/resolve';
import type { SiteSpec } from '../../../site-model/schema';
import type { StoragePlatform, StorageWorkloads } from '../../../stacks/storage-wiring';
import { buildSite, resources, synthJson, type SynthJson } from '../../helpers';
import { memoryApp } from '../../../stacks/synth';

/** A site's stacks with storage and labs, synthesized. */
export interface StorageSite {
  readonly stacks: SiteStacks;
  readonly storage: { readonly platform: StoragePlatform; readonly workloads: StorageWorkloads };
  readonly platform: SynthJson;
  readonly workloads: SynthJson;
}

/** Builds a site's stacks and returns the storage and labs they wired. */
export function buildStorageSite(spec: SiteSpec | SiteModel): Omit<StorageSite, 'platform' | 'workloads'> {
  const { stacks } = buildSite(spec);
  return { stacks, storage: { platform: stacks.platform.storage, workloads: stacks.workloads.storage } };
}

/** {@link buildStorageSite}, synthesized. */
export function synthStorageSite(spec: SiteSpec | SiteModel): StorageSite {
  const built = buildStorageSite(spec);
  return { ...built, platform: synthJson(built.stacks.platform), workloads: synthJson(built.stacks.workloads) };
}

/** A synthesized helm_release. */
export interface Release {
  readonly name: string;
  readonly chart: string;
  readonly version: string;
  readonly namespace: string;
  readonly repository: string;
  readonly values: string[];
  readonly depends_on?: string[];
}

/** Releases of a stack, keyed `<namespace>/<name>`. */
export function releases(json: SynthJson): Record<string, Release> {
  return Object.fromEntries(resources(json, 'helm_release').map((r) => [`${String(r.namespace)}/${String(r.name)}`, r as unknown as Release]));
}

/** Parsed values of a release. */
export function valuesOf(release: Release | undefined): Record<string, unknown> {
  if (!release) throw new Error('no such release');
  return parse(release.values[0]) as Record<string, unknown>;
}

/** The value at a dotted path (or a list of keys, for keys with dots) of parsed YAML or JSON. */
export function at(value: unknown, path: string | readonly (string | number)[]): unknown {
  const keys = typeof path === 'string' ? path.split('.') : path;
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A fresh stack with providers for one cluster `main`, for construct tests. */
export function newStack(name = 'test'): { stack: TerraformStack; target: ClusterTarget } {
  const stack = new TerraformStack(memoryApp(), name);
  const kubernetes = new KubernetesProvider(stack, 'Kubernetes', {});
  const helm = new HelmProvider(stack, 'Helm', {});
  return { stack, target: { name: 'main', kubernetes, helm } };
}

/** metadata of a synthesized Kubernetes resource. */
export function meta(resource: Record<string, unknown>): { name: string; namespace?: string; labels?: Record<string, string> } {
  return resource.metadata as { name: string; namespace?: string; labels?: Record<string, string> };
}
