// Shapes the reference sends that its published schemas do not (fully) state, written down from its running
// gateway and its method handlers in dist/, so the check can hold us to them as well. Each says where it
// was seen; a schema here is ours, in JSON Schema form, not the reference's text.

const str = { type: "string" };
const bool = { type: "boolean" };
const strings = { type: "array", items: str };
const requirementSet = {
  type: "object",
  required: ["bins", "anyBins", "env", "config", "os"],
  properties: { bins: strings, anyBins: strings, env: strings, config: strings, os: strings },
  additionalProperties: false,
};

/**
 * `hooks.status`: the reference reports its *internal* hooks (HOOK.md folders: bundled, workspace, plugin),
 * one entry per hook with eligibility. Seen on 2026.9.6 (`hooks.status {}`) and in
 * dist/hooks-status-*.mjs (buildWorkspaceHookStatus / buildHookStatus). Fields that are `undefined` there
 * (pluginId, emoji, homepage, blockedReason) are left out of the JSON.
 */
export const HOOKS_STATUS_RESULT = {
  type: "object",
  required: ["workspaceDir", "managedHooksDir", "hooks"],
  properties: {
    workspaceDir: str,
    managedHooksDir: str,
    hooks: {
      type: "array",
      items: {
        type: "object",
        required: [
          "name", "description", "source", "filePath", "baseDir", "handlerPath", "hookKey", "events", "unknownEvents",
          "always", "enabledByConfig", "requirementsSatisfied", "loadable", "managedByPlugin", "requirements", "missing",
          "configChecks", "install",
        ],
        properties: {
          name: str, description: str, source: str, pluginId: str, filePath: str, baseDir: str, handlerPath: str, hookKey: str,
          emoji: str, homepage: str, events: strings, unknownEvents: strings, always: bool, enabledByConfig: bool,
          requirementsSatisfied: bool, loadable: bool, blockedReason: str, managedByPlugin: bool,
          requirements: requirementSet, missing: requirementSet,
          configChecks: { type: "array", items: { type: "object", required: ["path", "satisfied"], properties: { path: str, satisfied: bool } } },
          install: {
            type: "array",
            items: { type: "object", required: ["id", "kind", "label", "bins"], properties: { id: str, kind: str, label: str, bins: strings } },
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/**
 * The reference's `agent` broadcast adds `sessionKey` and `agentId` to the payload its closed
 * `AgentEventSchema` describes (dist/server-chat-*.mjs builds `{...event, sessionKey, agentId, spawnedBy,
 * isHeartbeat}`), so a payload carrying them is what the reference itself sends.
 */
export function agentEventAsSent(agentEvent: Record<string, any>): Record<string, any> {
  return { ...agentEvent, properties: { ...agentEvent.properties, sessionKey: { type: "string", minLength: 1 }, agentId: { type: "string", minLength: 1 } } };
}
