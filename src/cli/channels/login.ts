import { accountActionCommand } from "./_account-action.ts";

// `openclaw channels login`: `channels.start` on the running gateway.
export default accountActionCommand({
  name: "login",
  description: "Start a channel account on the running gateway (Telegram needs no interactive login: the bot token is the credential)",
  method: "channels.start",
  failure: "Channel login failed",
  done: "started",
});
