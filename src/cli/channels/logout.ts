import { accountActionCommand } from "./_account-action.ts";

// `openclaw channels logout`: `channels.logout` on the running gateway.
export default accountActionCommand({
  name: "logout",
  description: "Log a channel account out on the running gateway (stops it and drops its webhook and pending updates)",
  method: "channels.logout",
  failure: "Channel logout failed",
  done: "logged out",
});
