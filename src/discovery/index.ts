// Public surface of discovery: the gateway mounts the beacon, the CLI and `gateway probe --ssh-auto` browse.
export { discoverGateways, type DiscoverOptions } from "./discover.ts";
export { discoverySurface } from "./surface.ts";
export { beaconJson, mergeBeacons } from "./merge.ts";
export { wideAreaRecords, formatZone, type ZoneRecord } from "./zone.ts";
export { SERVICE_TYPE, type GatewayBeacon, type BeaconSource } from "./types.ts";
