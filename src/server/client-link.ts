// What the gateway keeps of one connected client after hello: who it is (the caller of its requests) and how to
// reach it (the runtime's ClientLink), in one object per connection with the methods on the prototype.
import type { CallerInfo, PresenceEntry } from "../methods/types.ts";
import type { ClientDeclaration } from "../surface/types.ts";
import type { ClientLink } from "./runtime.ts";

/** The connection side a link delivers to: the connection checks its own state before each of these. */
export interface ClientOutlet {
  deliverEvent(event: string, payloadJson: string, stateVersion?: { presence: number; health: number }): void;
  pingClient(): void;
  closeClient(code: number, reason: string): void;
}

/**
 * Caller and link in one: before, each idle connection kept a caller object, a link object, three closures and
 * their scope (~0.3 KB of heap, about three times that in RSS once the heap fragments; BENCHMARKS.md).
 */
export class ConnectedClient implements ClientLink, CallerInfo {
  readonly connId: string;
  readonly clientId: string;
  readonly mode: string;
  readonly role: string;
  readonly scopes: readonly string[];
  readonly authMethod?: string;
  readonly deviceId?: string;
  readonly connect: ClientDeclaration;
  readonly presence?: PresenceEntry;
  readonly #outlet: ClientOutlet;

  constructor(outlet: ClientOutlet, facts: CallerInfo, connect: ClientDeclaration, presence: PresenceEntry | undefined) {
    this.#outlet = outlet;
    this.connId = facts.connId;
    this.clientId = facts.clientId;
    this.mode = facts.mode;
    this.role = facts.role;
    this.scopes = facts.scopes;
    this.authMethod = facts.authMethod;
    this.deviceId = facts.deviceId;
    this.connect = connect;
    this.presence = presence;
  }

  sendEvent(event: string, payloadJson: string, stateVersion?: { presence: number; health: number }): void {
    this.#outlet.deliverEvent(event, payloadJson, stateVersion);
  }

  ping(): void {
    this.#outlet.pingClient();
  }

  close(code: number, reason: string): void {
    this.#outlet.closeClient(code, reason);
  }
}
