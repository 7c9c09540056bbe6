// Placeholder until the desktop shell lands (issue 4).
export {};
