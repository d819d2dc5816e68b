import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1, type NetworkPolicyV1SpecEgress, type NetworkPolicyV1SpecIngress } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { Construct } from 'constructs';
import type { ClusterTarget } from '../core/cluster-target';
import { LABEL_PREFIX } from '../core/labels';
import { dnsLabel } from '../core/names';

/** Pod Security Admission levels. @see https://kubernetes.io/docs/concepts/security/pod-security-admission/ */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/**
 * Addresses that "internet egress" never includes: the private ranges (RFC 1918) and
 * link-local, where cloud and bare-metal metadata servers answer (169.254.169.254).
 */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] as const;

/** The link-local range of {@link PRIVATE_RANGES}, where metadata servers answer: never an API server. */
export const LINK_LOCAL_RANGE = '169.254.0.0/16';

/** Label that marks a namespace's isolation group: namespaces with the same value may talk. */
export const ISOLATION_LABEL = `${LABEL_PREFIX}/isolation-group`;

/**
 * The namespaces of tenants and data labs, and no others: those with {@link ISOLATION_LABEL}.
 * A label selector cannot say "tenant or lab" with two keys, hence the label both share.
 */
export const ISOLATED_NAMESPACES_SELECTOR = { matchExpressions: [{ key: ISOLATION_LABEL, operator: 'Exists' }] } as const;

/** Props of an {@link IsolatedNamespace}. */
export interface IsolatedNamespaceProps {
  /** Cluster to create the namespace in. */
  readonly target: ClusterTarget;
  /** Namespace name; checked against DNS-1123. */
  readonly name: string;
  /**
   * Isolation group. Namespaces of the same group may reach each other; everything else is
   * denied until allowed explicitly.
   */
  readonly isolationGroup: string;
  /** Extra namespace labels. @default - none */
  readonly labels?: Record<string, string>;
  /** Pod Security Admission level enforced, audited and warned. @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Allow egress to public internet addresses (not the private ranges).
   * @default false - no internet egress
   */
  readonly internetEgress?: boolean;
}

/**
 * A namespace that denies all ingress and egress by default, enforces a Pod Security
 * Admission level, and allows only DNS and traffic inside its isolation group. Call
 * {@link allowIngressFrom} and {@link allowEgressTo} to open named paths.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class IsolatedNamespace extends Construct {
  /** The namespace name. */
  readonly name: string;
  /** The namespace resource. */
  readonly namespace: NamespaceV1;
  /** Whether the namespace may reach the internet. */
  readonly internetEgress: boolean;
  private readonly target: ClusterTarget;

  constructor(scope: Construct, id: string, props: IsolatedNamespaceProps) {
    super(scope, id);
    this.name = dnsLabel(props.name);
    this.target = props.target;
    this.internetEgress = props.internetEgress ?? false;
    const level = props.podSecurity ?? 'restricted';
    this.namespace = new NamespaceV1(this, 'Namespace', {
      provider: props.target.kubernetes,
      metadata: {
        name: this.name,
        labels: {
          ...props.labels,
          [ISOLATION_LABEL]: props.isolationGroup,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/warn': level,
        },
      },
    });

    this.policy('DefaultDeny', 'default-deny', { policyTypes: ['Ingress', 'Egress'] });
    const group = { namespaceSelector: { matchLabels: { [ISOLATION_LABEL]: props.isolationGroup } } };
    this.policy('AllowGroup', 'allow-isolation-group', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [group] }],
      egress: [{ to: [group] }],
    });
    this.policy('AllowDns', 'allow-dns', {
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: '53', protocol: 'UDP' },
            { port: '53', protocol: 'TCP' },
          ],
        },
      ],
    });
    if (this.internetEgress) {
      this.policy('AllowInternet', 'allow-internet-egress', {
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }] }],
      });
    }
  }

  /**
   * Allows ingress from pods of another namespace (optionally only some pods and ports).
   * @param id construct id of the policy, PascalCase
   * @param namespace name of the namespace traffic comes from
   */
  allowIngressFrom(id: string, namespace: string, ports: readonly number[] = []): NetworkPolicyV1 {
    return this.policy(id, `allow-from-${dnsLabel(namespace)}`.slice(0, 63), {
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }],
          ports: tcpPorts(ports),
        },
      ],
    });
  }

  /**
   * Allows egress to another namespace (optionally only some ports).
   * @param id construct id of the policy, PascalCase
   * @param namespace name of the namespace traffic goes to
   */
  allowEgressTo(id: string, namespace: string, ports: readonly number[] = []): NetworkPolicyV1 {
    const rule: NetworkPolicyV1SpecEgress = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }],
      ports: tcpPorts(ports),
    };
    return this.policy(id, `allow-to-${dnsLabel(namespace)}`.slice(0, 63), { policyTypes: ['Egress'], egress: [rule] });
  }

  private policy(
    id: string,
    name: string,
    spec: { policyTypes: string[]; ingress?: NetworkPolicyV1SpecIngress[]; egress?: NetworkPolicyV1SpecEgress[] },
  ): NetworkPolicyV1 {
    return new NetworkPolicyV1(this, id, {
      provider: this.target.kubernetes,
      // A literal namespace plus dependsOn keeps the synthesized JSON readable for the policy
      // pack and for reviewers, while still ordering the policy after its namespace.
      metadata: { name, namespace: this.name },
      dependsOn: [this.namespace],
      spec: { podSelector: {}, policyTypes: spec.policyTypes, ingress: spec.ingress, egress: spec.egress },
    });
  }
}

/** NetworkPolicy ports; undefined (all ports) when none are named. */
function tcpPorts(ports: readonly number[]) {
  return ports.length === 0 ? undefined : ports.map((p) => ({ port: String(p), protocol: 'TCP' }));
}
