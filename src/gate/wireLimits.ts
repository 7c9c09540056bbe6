// Bounds of the control protocol that the CLI checks before it sends (kept apart from wire.ts
// so the CLI's quick commands can read them without loading zod).

/** A person's message to the agent with a replaced result (the app's IPC takes as much). */
export const RESULT_MESSAGE_MAX_CHARS = 4000;
