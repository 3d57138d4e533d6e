import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectHost } from '../../src/host/detect.js';
import { RootReader } from '../../src/host/fact.js';
import { detectCgroups, deviceNode, readLoadedModules } from '../../src/host/live.js';
import { sharedTempDir } from '../cli/run.js';

/** The live state of a machine, read from files written for each case: mounts, device nodes, modules. */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function rootWith(files: Record<string, string>): string {
  const root = sharedTempDir('virt-advisor-live-');
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const cgroupsOf = (mounts: string) => detectCgroups(new RootReader(rootWith({ 'proc/mounts': mounts })));

describe('detectCgroups', () => {
  it('v2 alone, at its mount point', () => {
    expect(cgroupsOf('cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n')).toMatchObject({
      value: { hierarchy: 'v2', v2MountPoint: '/sys/fs/cgroup', v1Controllers: [] },
    });
  });

  it('v1 controllers, sorted and without mount flags or named hierarchies', () => {
    const mounts = [
      'cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0',
      'cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpuacct,cpu 0 0',
      'cgroup /sys/fs/cgroup/pids cgroup rw,nosuid,nodev,noexec,relatime,pids 0 0',
      'cgroup /sys/fs/cgroup/net_cls,net_prio cgroup rw,net_cls,net_prio 0 0',
      'cgroup /sys/fs/cgroup/misc cgroup rw,cpuset,blkio,memory,devices,freezer,perf_event,hugetlb,rdma,misc 0 0',
    ].join('\n');
    expect(cgroupsOf(mounts).value).toEqual({
      hierarchy: 'v1',
      v2MountPoint: null,
      v1Controllers: ['blkio', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'misc', 'net_cls', 'net_prio', 'perf_event', 'pids', 'rdma'],
    });
  });

  it('both: hybrid, with the first cgroup2 mount point (octal escapes undone)', () => {
    const mounts = 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/my\\040unified cgroup2 rw 0 0\ncgroup2 /other cgroup2 rw 0 0\n';
    expect(cgroupsOf(mounts).value).toEqual({ hierarchy: 'hybrid', v2MountPoint: '/sys/fs/cgroup/my unified', v1Controllers: ['memory'] });
  });

  it('none, and the source it was read from; unreadable is unknown', () => {
    const root = rootWith({ 'proc/mounts': 'proc /proc proc rw 0 0\nsysfs /sys sysfs rw 0 0' });
    expect(detectCgroups(new RootReader(root))).toEqual({ value: { hierarchy: 'none', v2MountPoint: null, v1Controllers: [] }, source: join(root, 'proc/mounts') });
    const empty = rootWith({ 'etc/hostname': 'x\n' });
    expect(detectCgroups(new RootReader(empty))).toEqual({ value: null, unknown: `not found: ${join(empty, 'proc/mounts')}` });
  });
});

describe('deviceNode', () => {
  it('present, absent (when /dev is there), or unknown (when it is not)', () => {
    const root = rootWith({ 'dev/net/tun': '' });
    const reader = new RootReader(root);
    expect(deviceNode(reader, '/dev/net/tun')).toEqual({ value: true, source: join(root, 'dev/net/tun') });
    expect(deviceNode(reader, '/dev/vhost-net')).toEqual({ value: false, source: join(root, 'dev/vhost-net') });
    const bare = rootWith({ 'proc/mounts': '' });
    expect(deviceNode(new RootReader(bare), '/dev/vhost-net')).toEqual({ value: null, unknown: `not found: ${join(bare, 'dev')}` });
  });
});

describe('readLoadedModules and detectHost.modules', () => {
  const modules = ['kvm_amd 200704 0 - Live 0x0', 'kvm 1146880 1 kvm_amd, Live 0x0', 'not-a-name! 1 0 - Live 0x0', 'vhost_net 36864 0 - Live 0x0', '', 'snd 1 0 - Live 0x0'].join('\n');

  it('takes the first word of each line, names only', () => {
    const root = rootWith({ 'proc/modules': modules });
    const loaded = readLoadedModules(new RootReader(root));
    expect(loaded).toMatchObject({ source: join(root, 'proc/modules') });
    expect([...(loaded.value ?? [])]).toEqual(['kvm_amd', 'kvm', 'vhost_net', 'snd']);
  });

  it('host lists the virtualization modules among them, in a fixed order', () => {
    const root = rootWith({ 'proc/modules': modules });
    expect(detectHost(root).modules).toEqual({ value: ['kvm', 'kvm_amd', 'vhost_net'], source: join(root, 'proc/modules') });
    const none = rootWith({ 'proc/mounts': '' });
    expect(detectHost(none).modules).toEqual({ value: null, unknown: `not found: ${join(none, 'proc/modules')}` });
  });
});
