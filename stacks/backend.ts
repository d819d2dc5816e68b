/**
 * Terraform state backends, chosen in the site file. Every remote backend locks, and
 * every stack has its own state key, so the platform and workloads layers of a site can
 * be applied independently.
 */
import { TerraformBackend, type TerraformRemoteState } from 'cdktf';
import type { Construct } from 'constructs';
import type { SiteSpec } from '../site-model/schema';

/**
 * A backend written as plain Terraform attributes. cdktf 0.21 has no class for the
 * kubernetes backend, and its S3 class lacks `use_lockfile`, so all four share this one.
 * @see https://developer.hashicorp.com/terraform/language/backend
 */
class StateBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    type: string,
    private readonly attributes: Record<string, unknown>,
  ) {
    super(scope, 'backend', type);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return this.attributes;
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.attributes;
  }

  getRemoteStateDataSource(_scope: Construct, _name: string, fromStack: string): TerraformRemoteState {
    // Stacks of a site are ordered with dependencies, never wired through remote state.
    throw new Error(`cross-stack references are not used in ai-factory-cdk (from ${fromStack}); pass names instead`);
  }
}

/** The Terraform backend block of one stack. */
export function backendAttributes(spec: SiteSpec, stackName: string): { type: string; attributes: Record<string, unknown> } {
  const state = spec.state;
  const firstCluster = Object.values(spec.clusters)[0];
  switch (state.backend) {
    case 's3':
      return {
        type: 's3',
        attributes: {
          bucket: state.bucket,
          key: `${state.keyPrefix ?? spec.id}/${stackName}.tfstate`,
          region: state.region,
          endpoints: { s3: state.endpoint },
          use_path_style: true,
          use_lockfile: true,
          skip_credentials_validation: true,
          skip_region_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_s3_checksum: true,
        },
      };
    case 'kubernetes':
      // State lives in a Secret named tfstate-<workspace>-<suffix>; locking uses a Lease.
      return {
        type: 'kubernetes',
        attributes: {
          secret_suffix: stackName,
          namespace: state.namespace,
          config_path: state.kubeconfigPath ?? firstCluster.kubeconfigPath,
          config_context: state.context ?? firstCluster.context,
        },
      };
    case 'pg':
      // conn_str is left out on purpose: Terraform reads PG_CONN_STR, so no secret is synthesized.
      return { type: 'pg', attributes: { schema_name: stackName.replace(/-/g, '_') } };
    case 'local':
      return { type: 'local', attributes: { path: `terraform.${stackName}.tfstate` } };
  }
}

/** Configures the backend of `stack` from the site's state section. */
export function configureBackend(stack: Construct, spec: SiteSpec, stackName: string): void {
  const { type, attributes } = backendAttributes(spec, stackName);
  new StateBackend(stack, type, attributes);
}
