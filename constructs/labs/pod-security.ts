/**
 * Security contexts that meet Pod Security `restricted`, which every lab namespace enforces.
 * The lab's charts get them explicitly where their defaults fall short.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/**
 * Pod Security `restricted` at pod level: non-root and the runtime's seccomp profile.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * Pod Security `restricted` at container level: non-root, no privilege escalation, no
 * capabilities and the runtime's seccomp profile.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
