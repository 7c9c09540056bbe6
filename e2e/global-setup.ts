// The e2e suites load the built renderer and run the built CLI (shim): the same build step as
// the vitest suites.
export { default } from '../scripts/build-once';
