// IP address literals recognised without node:net (which costs ~5 MB at start, platform/node.ts): the bind plan,
// the origin check of every handshake and the CLI flags ask this. Same answers as node:net's isIP (a test compares
// them over a corpus), including IPv6 zone ids and embedded IPv4.
const V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const V4 = `(?:${V4_SEG}\\.){3}${V4_SEG}`;
const S = "(?:[0-9a-fA-F]{1,4})";
const IPV4 = new RegExp(`^${V4}$`);
const IPV6 = new RegExp(
  "^(?:" +
    `(?:${S}:){7}(?:${S}|:)|` +
    `(?:${S}:){6}(?:${V4}|:${S}|:)|` +
    `(?:${S}:){5}(?::${V4}|(?::${S}){1,2}|:)|` +
    `(?:${S}:){4}(?:(?::${S}){0,1}:${V4}|(?::${S}){1,3}|:)|` +
    `(?:${S}:){3}(?:(?::${S}){0,2}:${V4}|(?::${S}){1,4}|:)|` +
    `(?:${S}:){2}(?:(?::${S}){0,3}:${V4}|(?::${S}){1,5}|:)|` +
    `(?:${S}:){1}(?:(?::${S}){0,4}:${V4}|(?::${S}){1,6}|:)|` +
    `(?::(?:(?::${S}){0,5}:${V4}|(?::${S}){1,7}|:))` +
    ")(?:%[0-9a-zA-Z-.:]{1,})?$",
);

export const isIPv4 = (value: string): boolean => IPV4.test(value);
export const isIPv6 = (value: string): boolean => IPV6.test(value);

/** 4, 6, or 0 when the text is not an IP address literal (node:net's isIP). */
export function isIP(value: string): 0 | 4 | 6 {
  return isIPv4(value) ? 4 : isIPv6(value) ? 6 : 0;
}
