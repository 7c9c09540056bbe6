import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  displayPath,
  isAbsolutePath,
  isPathUnder,
  nodePathEnv,
  normalizePath,
  unjudgeablePathReason,
  type PathEnv,
} from './paths';

const posix: PathEnv = {
  home: '/home/u',
  cwd: '/home/u/project',
  caseInsensitive: false,
  sep: '/',
};
const posixCi: PathEnv = { ...posix, caseInsensitive: true };
const windows: PathEnv = {
  home: 'C:\\Users\\u',
  cwd: 'C:\\Users\\u\\project',
  caseInsensitive: true,
  sep: '\\',
};

describe('normalizePath', () => {
  it.each([
    ['/home/u/project/./a//b/', '/home/u/project/a/b'],
    ['/home/u/project/../../.ssh/id_rsa', '/home/.ssh/id_rsa'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['~', '/home/u'],
    ['~/.ssh/config', '/home/u/.ssh/config'],
    ['src/index.ts', '/home/u/project/src/index.ts'],
    ['../other', '/home/u/other'],
    ['', '/home/u/project'],
    ['file:///home/u/My%20Docs/a.txt', '/home/u/My Docs/a.txt'],
    ['~user/x', '/home/u/project/~user/x'],
    ['/a\\b', '/a\\b'],
  ])('POSIX %j → %j', (input, expected) => {
    expect(normalizePath(input, posix)).toBe(expected);
  });

  it.each([
    ['C:\\Users\\u\\project\\a\\..\\b', 'C:\\Users\\u\\project\\b'],
    ['c:/users/u/project/x', 'C:\\users\\u\\project\\x'],
    ['~\\Documents', 'C:\\Users\\u\\Documents'],
    ['~/Documents', 'C:\\Users\\u\\Documents'],
    ['sub\\file.txt', 'C:\\Users\\u\\project\\sub\\file.txt'],
    ['\\Windows\\System32', 'C:\\Windows\\System32'],
    ['\\\\?\\C:\\Users\\u\\x', 'C:\\Users\\u\\x'],
    ['\\\\server\\share\\dir\\..\\f', '\\\\server\\share\\f'],
    ['\\\\?\\UNC\\server\\share\\f', '\\\\server\\share\\f'],
    ['D:relative', 'D:\\relative'],
    ['C:relative', 'C:\\Users\\u\\project\\relative'],
    ['C:\\Users\\u\\project. \\x', 'C:\\Users\\u\\project\\x'],
    ['file:///C:/Users/u/a.txt', 'C:\\Users\\u\\a.txt'],
  ])('Windows %j → %j', (input, expected) => {
    expect(normalizePath(input, windows)).toBe(expected);
  });
});

describe('isPathUnder: bypass table', () => {
  it.each([
    // [child, parent, env, expected]
    ['/home/u/project/src/a.ts', '/home/u/project', posix, true],
    ['/home/u/project', '/home/u/project', posix, true],
    ['/home/u/project/', '/home/u/project', posix, true],
    ['/home/u/project/src', '/home/u/project/', posix, true],
    ['src/a.ts', '/home/u/project', posix, true],
    ['~/project/x', '/home/u/project', posix, true],
    ['/home/u/project/x', '~/project', posix, true],
    ['/home/u/project-evil/x', '/home/u/project', posix, false],
    ['/home/u/projectX', '/home/u/project', posix, false],
    ['/home/u/project/../../.ssh/id_rsa', '/home/u/project', posix, false],
    ['/home/u/project/../project-evil/x', '/home/u/project', posix, false],
    ['/home/u/project/a/../../project/b', '/home/u/project', posix, true],
    ['../.ssh/id_rsa', '/home/u/project', posix, false],
    ['~/.ssh/id_rsa', '/home/u/project', posix, false],
    ['/home/u', '/home/u/project', posix, false],
    ['/', '/home/u/project', posix, false],
    ['/HOME/U/PROJECT/x', '/home/u/project', posix, false],
    ['/HOME/U/PROJECT/x', '/home/u/project', posixCi, true],
    ['/HOME/U/PROJECT-EVIL/x', '/home/u/project', posixCi, false],
    ['file:///home/u/project/x', '/home/u/project', posix, true],
    ['/home/u/project/x', 'file:///home/u/project', posix, true],
    // Percent escapes and backslashes are plain filename characters on POSIX.
    ['/home/u/project%2F..%2F..%2F.ssh', '/home/u/project', posix, false],
    ['/home/u/project/%2E%2E/x', '/home/u/project', posix, true],
    ['/home/u/project/a\\..\\..\\b', '/home/u/project', posix, true],
    ['C:\\Users\\u\\project\\src\\a.ts', 'C:\\Users\\u\\project', windows, true],
    ['c:\\users\\U\\PROJECT\\src', 'C:\\Users\\u\\project', windows, true],
    ['C:/Users/u/project/src', 'C:\\Users\\u\\project', windows, true],
    ['C:\\Users\\u\\project-evil\\x', 'C:\\Users\\u\\project', windows, false],
    ['C:\\Users\\u\\project\\..\\..\\u\\.ssh\\id_rsa', 'C:\\Users\\u\\project', windows, false],
    ['C:\\Users\\u\\project/..\\.ssh', 'C:\\Users\\u\\project', windows, false],
    ['D:\\Users\\u\\project\\x', 'C:\\Users\\u\\project', windows, false],
    ['\\\\attacker\\share\\Users\\u\\project', 'C:\\Users\\u\\project', windows, false],
    ['\\\\?\\C:\\Users\\u\\project\\x', 'C:\\Users\\u\\project', windows, true],
    ['C:\\Users\\u\\project.\\x', 'C:\\Users\\u\\project', windows, true],
    ['~\\project\\x', 'C:\\Users\\u\\project', windows, true],
  ] as [string, string, PathEnv, boolean][])(
    '%j under %j (%#) → %4$s',
    (child, parent, env, expected) => {
      expect(isPathUnder(child, parent, env)).toBe(expected);
    },
  );
});

describe('isPathUnder with real symlinks', () => {
  let base: string;
  let project: string;
  let outside: string;
  let env: PathEnv;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'airlock-paths-'));
    project = join(base, 'project');
    outside = join(base, 'outside');
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(outside, 'deep'), { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'x');
    writeFileSync(join(project, 'src', 'a.ts'), 'x');
    symlinkSync(outside, join(project, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(project, 'innocent.txt'));
    symlinkSync(join(outside, 'not-yet.txt'), join(project, 'dangling.txt'));
    symlinkSync(join(project, 'src'), join(base, 'alias'));
    env = nodePathEnv(project);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('keeps real files inside the project inside', () => {
    expect(isPathUnder(join(project, 'src', 'a.ts'), project, env)).toBe(true);
    expect(isPathUnder('src/new-file.ts', project, env)).toBe(true);
  });

  it('sees through a symlinked directory that points outside', () => {
    expect(isPathUnder(join(project, 'escape', 'secret.txt'), project, env)).toBe(false);
    expect(normalizePath(join(project, 'escape', 'secret.txt'), env)).toBe(
      normalizePath(join(outside, 'secret.txt'), env),
    );
  });

  it('resolves a symlinked parent of a file that does not exist yet', () => {
    expect(isPathUnder(join(project, 'escape', 'deep', 'new.txt'), project, env)).toBe(false);
  });

  it('sees through a symlinked file and a dangling symlink (where a write would land)', () => {
    expect(isPathUnder(join(project, 'innocent.txt'), project, env)).toBe(false);
    expect(isPathUnder(join(project, 'dangling.txt'), project, env)).toBe(false);
  });

  it('reads `..` after a symlink both ways: lexically and as the OS opens it', () => {
    // OS: escape/.. is `base`, so this opens base/project/src; lexically it is project/src.
    expect(isPathUnder(join(project, 'escape', '..', 'project', 'src'), project, env)).toBe(true);
    // Lexically inside the project, but the OS climbs out of the link target into `outside`.
    expect(isPathUnder(`${project}/escape/deep/../secret.txt`, project, env)).toBe(false);
  });

  it('accepts a symlink that points back into the project, and a symlinked parent directory', () => {
    expect(isPathUnder(join(base, 'alias', 'a.ts'), project, env)).toBe(true);
    expect(isPathUnder(join(project, 'src', 'a.ts'), join(base, 'alias'), env)).toBe(true);
  });
});

describe('unjudgeablePathReason: paths a rule can never judge', () => {
  it.each([
    // [path, env, why]
    ['rel.txt', posix, /relative/],
    ['./src/a.ts', posix, /relative/],
    ['', posix, /relative/],
    ['~root/.ssh/id_rsa', posix, /another user/],
    ['~user', posix, /another user/],
    ['//server/share/x', posix, /UNC/],
    ['/home/u/project/a.txt:hidden', posix, /stream/],
    ['file:rel.txt', posix, /file: URL/],
    ['file://evil/home/u/project/a', posix, /another host/],
    ['C:foo\\bar', windows, /drive's current directory/],
    ['c:..\\x', windows, /drive's current directory/],
    ['\\\\server\\share\\x', windows, /UNC/],
    ['//server/share/x', windows, /UNC/],
    ['\\\\?\\C:\\Users\\u\\project\\x', windows, /device path/],
    ['\\\\.\\C:\\Users\\u\\project\\x', windows, /device path/],
    ['//?/C:/Users/u/project/x', windows, /device path/],
    ['C:\\Users\\u\\project\\a.txt:ads', windows, /stream/],
    ['C:\\Users\\u\\project\\a.txt::$DATA', windows, /stream/],
    ['\\Windows\\System32', windows, /no drive letter/],
    ['project\\x', windows, /no drive letter/],
    ['~other\\x', windows, /another user/],
  ] as [string, PathEnv, RegExp][])('%j (%#) cannot be judged', (p, env, why) => {
    expect(unjudgeablePathReason(p, env)).toMatch(why);
  });

  it.each([
    ['/home/u/project/a.txt', posix],
    ['/home/u/project/../x', posix],
    ['~', posix],
    ['~/project/a', posix],
    ['file:///home/u/project/a', posix],
    ['file://localhost/home/u/project/a', posix],
    ['C:\\Users\\u\\project\\a.txt', windows],
    ['c:/Users/u/project/a.txt', windows],
    ['~\\project\\a', windows],
    ['file:///C:/Users/u/a.txt', windows],
  ] as [string, PathEnv][])('%j (%#) can be judged', (p, env) => {
    expect(unjudgeablePathReason(p, env)).toBeNull();
  });
});

describe('helpers', () => {
  it('isAbsolutePath knows absolute forms on both systems', () => {
    expect(isAbsolutePath('/x', posix)).toBe(true);
    expect(isAbsolutePath('~/x', posix)).toBe(true);
    expect(isAbsolutePath('file:///x', posix)).toBe(true);
    expect(isAbsolutePath('x/y', posix)).toBe(false);
    expect(isAbsolutePath('C:\\x', windows)).toBe(true);
    expect(isAbsolutePath('\\\\srv\\share', windows)).toBe(true);
    expect(isAbsolutePath('x\\y', windows)).toBe(false);
  });

  it('displayPath shows the home directory as ~', () => {
    expect(displayPath('/home/u/project/../.ssh/id_rsa', posix)).toBe('~/.ssh/id_rsa');
    expect(displayPath('/home/user2/x', posix)).toBe('/home/user2/x');
    expect(displayPath('/etc/passwd', posix)).toBe('/etc/passwd');
  });
});
