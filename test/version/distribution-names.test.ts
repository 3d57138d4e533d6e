import { describe, expect, it } from 'vitest';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * Every rule of the distribution table, by one real-looking string each: the id, the name users
 * read in every report, the distribution's own release where the string carries it, and how far
 * its kernels follow mainline.
 */
const table: Array<[string, string, string, string | null, string]> = [
  ['4.4.0-19041-Microsoft', 'wsl1', 'Windows Subsystem for Linux 1', null, 'not-linux'],
  // WSL1's first release, in Windows 10 build 14393.
  ['3.4.0-Microsoft', 'wsl1', 'Windows Subsystem for Linux 1', null, 'not-linux'],
  ['5.15.153.1-microsoft-standard-WSL2', 'wsl2', 'WSL2 kernel (Microsoft)', null, 'vendor'],
  ['5.15.0-200.131.27.el9uek.x86_64', 'oracle-uek', 'Oracle Linux UEK', '9', 'vendor'],
  ['4.18.0-477.13.1.lve.el8.x86_64', 'cloudlinux', 'CloudLinux', '8', 'vendor'],
  ['3.10.0-1160.el7.x86_64', 'rhel', 'Red Hat Enterprise Linux family', '7', 'vendor'],
  ['6.12.0-55.el10.x86_64', 'rhel', 'Red Hat Enterprise Linux family', '10', 'vendor'],
  ['2.6.9-89.ELsmp', 'rhel', 'Red Hat Enterprise Linux family', '4', 'vendor'],
  ['2.4.21-4.EL', 'rhel', 'Red Hat Enterprise Linux family', '3', 'vendor'],
  ['2.4.9-e.57', 'rhel', 'Red Hat Enterprise Linux family', '2.1', 'vendor'],
  ['6.5.6-300.fc39.x86_64', 'fedora', 'Fedora', '39', 'vendor'],
  ['5.10.252-285.992.amzn2.x86_64', 'amazon', 'Amazon Linux', '2', 'vendor'],
  ['5.10.4-19.ph4', 'photon', 'VMware Photon OS', '4', 'vendor'],
  ['2.6.32-042stab134.3', 'openvz', 'OpenVZ', null, 'patched'],
  ['6.8.12-4-pve', 'proxmox', 'Proxmox VE', null, 'vendor'],
  ['5.6.0-050600rc3-generic', 'ubuntu-mainline', 'Ubuntu mainline build', null, 'mainline'],
  ['5.15.0-91-generic', 'ubuntu', 'Ubuntu', null, 'vendor'],
  ['4.19.0-6+deb10u2-amd64', 'debian', 'Debian', '10', 'vendor'],
  ['6.1.0-0.deb11.17-amd64', 'debian', 'Debian (backports)', '11', 'vendor'],
  ['4.19.0-0.bpo.9-amd64', 'debian', 'Debian (backports)', null, 'vendor'],
  ['6.1.0-18-amd64', 'debian', 'Debian', null, 'vendor'],
  ['5.14.21-150500.55.39-default', 'suse', 'SUSE', null, 'vendor'],
  ['6.6.10-1-MANJARO', 'manjaro', 'Manjaro', null, 'vendor'],
  ['6.6.10-arch1-1', 'arch', 'Arch Linux', null, 'mainline'],
  ['6.6.10-1-lts', 'arch', 'Arch Linux (linux-lts)', null, 'mainline'],
  ['6.6.10-zen1-1-zen', 'zen', 'Zen kernel', null, 'patched'],
  ['6.6.10-x64v3-xanmod1', 'xanmod', 'XanMod', null, 'patched'],
  ['6.6.10-tkg', 'tkg', 'linux-tkg', null, 'patched'],
  ['6.6.31+rpt-rpi-v8', 'raspberrypi', 'Raspberry Pi OS', null, 'vendor'],
  ['5.10.66-android12', 'android', 'Android', null, 'vendor'],
];

describe('distribution names', () => {
  it.each(table)('%s: %s', (input, id, name, version, backports) => {
    expect(parseKernelVersion(input).distribution).toMatchObject({ id, name, version, backports });
  });

  it('an OpenVZ kernel says what it is patched for', () => {
    expect(parseKernelVersion('2.6.32-042stab134.3').distribution?.note).toBe('an OpenVZ kernel: patched for OpenVZ containers');
  });

  it('only WSL1\'s own strings are WSL1', () => {
    // A "-Microsoft" suffix after anything else is not one of them.
    expect(parseKernelVersion('4.4.0-19041-Microsoft-x').distribution?.id).not.toBe('wsl1');
    expect(parseKernelVersion('4.4.0-Microsoftish').distribution).toBeNull();
  });
});
