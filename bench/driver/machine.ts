/** The machine the numbers come from, for RESULTS.md. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, release, platform } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
  /** 1-minute load average when the run started and ended (other work on the machine skews timings). */
  loadStart: number;
  loadEnd: number;
}

export const loadAverage = (): number => Math.round(loadavg()[0]! * 100) / 100;

export function machineInfo(chromiumVersion: string, loadStart: number): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion,
    loadStart,
    loadEnd: loadAverage(),
  };
}

/** The commit the run was built from ("abc1234", plus "+ uncommitted changes" when the tree is dirty). */
export function sourceRevision(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', 'tests/helpers'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Free disk-backed storage note: which filesystem holds the profile (tmpfs would flatter flush()). */
export function filesystemOf(path: string): string {
  try {
    return (
      execFileSync('df', ['-T', path], { encoding: 'utf8' }).trim().split('\n').at(-1)?.split(/\s+/)[1] ?? '?'
    );
  } catch {
    return '?';
  }
}
