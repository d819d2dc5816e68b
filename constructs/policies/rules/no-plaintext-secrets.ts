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

/**
 * Whether a key names a credential rather than a reference to one, by key: the pack checks
 * every string of every resource, and the same few hundred keys recur throughout.
 */
function isCredentialKey(key: string): boolean {
  let credential = CREDENTIAL_KEYS.get(key);
  if (credential === undefined) {
    credential = SENSITIVE_KEY.test(key) && !REFERENCE_KEY.test(key);
    if (CREDENTIAL_KEYS.size >= MAX_KEYS) CREDENTIAL_KEYS.clear();
    CREDENTIAL_KEYS.set(key, credential);
  }
  return credential;
}

const CREDENTIAL_KEYS = new Map<string, boolean>();
/** Keys {@link isCredentialKey} remembers before it starts again: far more than a catalogue uses. */
const MAX_KEYS = 10_000;

/** AIF-SEC-1: no credential appears in plaintext in the synthesized configuration. */
export const NoPlaintextSecrets: PolicyRule = {
  id: 'AIF-SEC-1',
  level: 'error',
  info: 'A credential is written in plaintext into the synthesized Terraform JSON.',
  explanation:
    'Synthesized JSON is committed, reviewed and stored in CI logs and Terraform state. A password there leaks to everyone who can read any of them. Reference an existing Secret by name, or pass a sensitive Terraform variable.',
  check: (resource) => {
    const details: string[] = [];
    const secret = resource.type.startsWith('kubernetes_secret');
    for (const leaf of allLeaves(resource)) {
      if (typeof leaf.value !== 'string' || leaf.value === '') continue;
      const isSecretPayload = secret && /^(data|binary_data|string_data)\./.test(leaf.path);
      const isCredential = isCredentialKey(leaf.key) && !REFERENCE_MAP.test(leaf.path);
      if ((isSecretPayload || isCredential) && !TERRAFORM_REFERENCE.test(leaf.value)) {
        details.push(`${leaf.path} holds a literal value`);
      }
    }
    return nonCompliant(details);
  },
};
