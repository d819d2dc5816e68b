import { allLeaves } from '../values';
import { nonCompliant, type PolicyRule } from '../rule';

/** Keys whose value is a credential. */
const SENSITIVE_KEY =
  /(password|passwd|secret|token|apikey|api_key|accesskey|access_key|accesskeyid|secretkey|secret_key|privatekey|private_key|connstr|conn_str|connectionstring|credentials?)$/i;
/** Keys that hold the *name* of a Secret or of a key inside one, not a credential. */
const REFERENCE_KEY = /^(existing|keyof|secretname|secretref|secretkeyref|secretkeys?$)|(name|ref|keyref|secretkey(name)?)$/i;
/** Maps whose entries name keys inside a Secret (lakeFS `secretKeys.*`), not credentials. */
const REFERENCE_MAP = /(^|\.)secretKeys\./;
/** A Terraform reference (variable, data source or resource attribute), resolved at apply time. */
const TERRAFORM_REFERENCE = /^\$\{(var|data|local)\.[^}]+\}$/;

/** AIF-SEC-1: no credential appears in plaintext in the synthesized configuration. */
export const NoPlaintextSecrets: PolicyRule = {
  id: 'AIF-SEC-1',
  level: 'error',
  info: 'A credential is written in plaintext into the synthesized Terraform JSON.',
  explanation:
    'Synthesized JSON is committed, reviewed and stored in CI logs and Terraform state. A password there leaks to everyone who can read any of them. Reference an existing Secret by name, or pass a sensitive Terraform variable.',
  check: (resource) => {
    const details: string[] = [];
    for (const leaf of allLeaves(resource)) {
      if (typeof leaf.value !== 'string' || leaf.value === '') continue;
      const isSecretPayload = resource.type.startsWith('kubernetes_secret') && /^(data|binary_data|string_data)\./.test(leaf.path);
      const isCredential = SENSITIVE_KEY.test(leaf.key) && !REFERENCE_KEY.test(leaf.key) && !REFERENCE_MAP.test(leaf.path);
      if ((isSecretPayload || isCredential) && !TERRAFORM_REFERENCE.test(leaf.value)) {
        details.push(`${leaf.path} holds a literal value`);
      }
    }
    return nonCompliant(details);
  },
};
