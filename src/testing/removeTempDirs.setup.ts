// Vitest setup file (vitest.config.mts): each test file's helper-made temporary directories go
// once the file's tests and its own afterAll hooks have run (this hook is registered first).
import { afterAll } from 'vitest';
import { removeMadeTempDirs } from './tempDirs';

afterAll(removeMadeTempDirs);
