import { isKnown, known, unknown, type Fact, type RootReader } from './fact.js';

/** Which cgroup hierarchy is mounted: v2 alone (unified), v1 controllers alone, both (hybrid), or none. */
export interface CgroupInfo {
  hierarchy: 'v2' | 'v1' | 'hybrid' | 'none';
  /** Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified in a hybrid set-up). */
  v2MountPoint: string | null;
  /** The v1 controllers mounted (cpu, memory, devices...; name=systemd is not a controller). */
  v1Controllers: string[];
}

/** /proc/mounts lists a few hundred lines at most; this cap is generous. */
const MOUNTS_CAP = 4 * 1024 * 1024;

/** Reads /proc/mounts (the mount table of the reader's process, or the file in a fixture root). */
export function detectCgroups(reader: RootReader): Fact<CgroupInfo> {
  const text = reader.read('/proc/mounts', MOUNTS_CAP);
  if (!isKnown(text)) return text;
  let v2MountPoint: string | null = null;
  const controllers = new Set<string>();
  for (const line of text.value.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup2') v2MountPoint ??= unescapeMount(mountPoint ?? '');
    else if (type === 'cgroup') {
      // A v1 mount's options name its controllers among the mount flags: rw,nosuid,...,cpu,cpuacct.
      for (const option of (options ?? '').split(',')) if (V1_CONTROLLERS.has(option)) controllers.add(option);
    }
  }
  const v1Controllers = [...controllers].sort();
  const hierarchy = v2MountPoint !== null ? (v1Controllers.length > 0 ? 'hybrid' : 'v2') : v1Controllers.length > 0 ? 'v1' : 'none';
  return known({ hierarchy, v2MountPoint, v1Controllers }, text.source);
}

// The v1 controllers (Documentation/admin-guide/cgroup-v1/ and the kernel's cgroup_subsys.h).
const V1_CONTROLLERS = new Set(['cpuset', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc']);

/** /proc/mounts escapes spaces and the like as octal (\040). */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Whether a device node exists under the root's /dev: false only when /dev itself is there. */
export function deviceNode(reader: RootReader, path: string): Fact<boolean> {
  const present = reader.exists(path);
  if (typeof present !== 'boolean') return present;
  if (present) return known(true, reader.shown(path));
  const dev = reader.exists('/dev');
  if (dev !== true) return unknown(`not found: ${reader.shown('/dev')}`);
  return known(false, reader.shown(path));
}

/** /proc/modules has one line per module; its first word is the name. Held to a sane size. */
const MODULES_CAP = 4 * 1024 * 1024;

/** The modules /proc/modules lists as loaded (built-in ones are never listed). */
export function readLoadedModules(reader: RootReader): Fact<ReadonlySet<string>> {
  const text = reader.read('/proc/modules', MODULES_CAP);
  if (!isKnown(text)) return text;
  const names = new Set<string>();
  for (const line of text.value.split('\n')) {
    const name = line.slice(0, line.indexOf(' ') >>> 0);
    if (/^[A-Za-z0-9_]+$/.test(name)) names.add(name);
  }
  return known(names, text.source);
}

/** The loaded modules a virtualization host cares about, in this order. */
export const VIRTUALIZATION_MODULES = [
  'kvm',
  'kvm_intel',
  'kvm_amd',
  'vhost',
  'vhost_net',
  'vhost_vsock',
  'tun',
  'vfio',
  'vfio_pci',
  'vfio_iommu_type1',
  'kvm_pvm',
  // The hosted hypervisors' own modules, built outside the kernel.
  'vboxdrv',
  'vboxnetflt',
  'vboxnetadp',
  'vmmon',
  'vmnet',
];
