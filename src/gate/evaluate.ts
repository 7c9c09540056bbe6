// Evaluation lives in src/policy; this name stays for the callers that import it from here.
export { evaluateCall, toolStateOf, type CallContext, type Evaluation } from '../policy/evaluate';
