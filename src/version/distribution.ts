/**
 * Who built a kernel, as far as its version suffix makes it evident. Vendors backport features into
 * old release numbers, so a version-only verdict is about mainline; `backports` says how far to trust it.
 */
export interface Distribution {
  id: string;
  name: string;
  /** The distribution's own release where the suffix carries it (el7 -> "7", fc36 -> "36"). */
  version: string | null;
  /**
   * "vendor": a maintained vendor kernel that backports features (RHEL, SUSE, Ubuntu, Debian...);
   * "patched": a kernel with out-of-tree patches; "mainline": an unmodified mainline build;
   * "not-linux": not a Linux kernel at all (WSL1).
   */
  backports: 'vendor' | 'patched' | 'mainline' | 'not-linux';
  note: string | null;
}

interface Context {
  major: number;
  minor: number;
  sublevel: number | null;
}

interface Rule {
  pattern: RegExp;
  make: (match: RegExpExecArray, context: Context) => Omit<Distribution, 'note'> & { note?: string };
}

const UBUNTU_FLAVOURS =
  'generic|lowlatency|aws|azure|gcp|gke|gkeop|kvm|oracle|ibm|oem|raspi|raspi2|snapdragon|nvidia|intel-iotg|intel|realtime|generic-64k|generic-lpae|hwe';
const DEBIAN_FLAVOURS =
  'amd64|arm64|arm64-16k|686|686-pae|rt-686-pae|cloud-amd64|cloud-arm64|rt-amd64|rt-arm64|s390x|powerpc64le|armmp|armmp-lpae|marvell|rpi|mips64r2el|octeon|loongson-3|4kc-malta|5kc-malta|486|586|k7|bigmem';

const vendor = (id: string, name: string, version: string | null = null) =>
  ({ id, name, version, backports: 'vendor' }) as const;
const patched = (id: string, name: string, version: string | null = null) =>
  ({ id, name, version, backports: 'patched' }) as const;

// Order matters: the first rule that matches wins, so the more specific come first.
const RULES: Rule[] = [
  // WSL1 reports "4.4.0-<Windows build>-Microsoft", and its first release (Windows 10 build 14393)
  // "3.4.0-Microsoft" (as fish-shell and the is-wsl package test for). WSL2 kernels say
  // "microsoft-standard" and are real kernels.
  {
    pattern: /^(?:-\d+)?-microsoft$/i,
    make: () => ({
      ...vendor('wsl1', 'Windows Subsystem for Linux 1'),
      backports: 'not-linux',
      note: 'WSL1 translates Linux system calls inside Windows: there is no Linux kernel, no KVM and no kernel modules',
    }),
  },
  { pattern: /microsoft-standard-wsl2|microsoft-standard/i, make: () => vendor('wsl2', 'WSL2 kernel (Microsoft)') },
  { pattern: /\.el(\d+)(?:_\d+)?uek/i, make: (m) => vendor('oracle-uek', 'Oracle Linux UEK', m[1]!) },
  { pattern: /\.lve[\d.]*\.el(\d+)/i, make: (m) => vendor('cloudlinux', 'CloudLinux', m[1]!) },
  { pattern: /\.el(\d+)(?:_\d+)?(?:xen|pae|rt|h|\.|$)/i, make: (m) => vendor('rhel', 'Red Hat Enterprise Linux family', m[1]!) },
  { pattern: /^-[\d.]+\.EL/, make: (_m, c) => vendor('rhel', 'Red Hat Enterprise Linux family', c.minor === 4 ? '3' : '4') },
  { pattern: /^-e\.\d+/, make: () => vendor('rhel', 'Red Hat Enterprise Linux family', '2.1') },
  { pattern: /\.fc(\d+)/i, make: (m) => vendor('fedora', 'Fedora', m[1]!) },
  { pattern: /\.amzn(\d+)/i, make: (m) => vendor('amazon', 'Amazon Linux', m[1]!) },
  { pattern: /\.ph(\d+)/i, make: (m) => vendor('photon', 'VMware Photon OS', m[1]!) },
  { pattern: /stab\d+/i, make: () => ({ ...patched('openvz', 'OpenVZ'), note: 'an OpenVZ kernel: patched for OpenVZ containers' }) },
  { pattern: /^-\d+-pve$/i, make: () => vendor('proxmox', 'Proxmox VE') },
  { pattern: /^-0\d{5}(?:rc\d+)?-/, make: () => ({ ...vendor('ubuntu-mainline', 'Ubuntu mainline build'), backports: 'mainline' }) },
  // A trailing + marks a rebuild from a modified tree (CONFIG_LOCALVERSION_AUTO).
  { pattern: new RegExp(`^-\\d+-(?:${UBUNTU_FLAVOURS})\\+?$`, 'i'), make: () => vendor('ubuntu', 'Ubuntu') },
  { pattern: /\+deb(\d+)/i, make: (m) => vendor('debian', 'Debian', m[1]!) },
  // A newer kernel built for an older Debian release (backports): 6.1.0-0.deb11.17-amd64
  { pattern: /^-0\.deb(\d+)\./i, make: (m) => vendor('debian', 'Debian (backports)', m[1]!) },
  { pattern: /bpo/i, make: () => vendor('debian', 'Debian (backports)') },
  { pattern: new RegExp(`^-\\d+-(?:${DEBIAN_FLAVOURS})$`, 'i'), make: () => vendor('debian', 'Debian') },
  { pattern: /-default$|-azure$|\.g[0-9a-f]{7}-/i, make: () => vendor('suse', 'SUSE') },
  { pattern: /-manjaro/i, make: () => vendor('manjaro', 'Manjaro') },
  { pattern: /-arch\d|-ARCH$/, make: () => ({ ...vendor('arch', 'Arch Linux'), backports: 'mainline' }) },
  { pattern: /^-\d+-lts$/i, make: () => ({ ...vendor('arch', 'Arch Linux (linux-lts)'), backports: 'mainline' }) },
  { pattern: /zen/i, make: () => patched('zen', 'Zen kernel') },
  { pattern: /xanmod/i, make: () => patched('xanmod', 'XanMod') },
  { pattern: /tkg/i, make: () => patched('tkg', 'linux-tkg') },
  { pattern: /-v[678]l?\+$|-rpi/i, make: () => vendor('raspberrypi', 'Raspberry Pi OS') },
  { pattern: /android/i, make: () => vendor('android', 'Android') },
];

/** Names the distribution where the suffix makes it evident; null when it does not. */
export function detectDistribution(local: string, context: Context): Distribution | null {
  for (const rule of RULES) {
    const match = rule.pattern.exec(local);
    if (match) {
      const found = rule.make(match, context);
      return { ...found, note: found.note ?? null };
    }
  }
  return null;
}
