/**
 * The command line as data: every command, option, choice list and example. yargs is configured
 * from it, and the build writes the man page and the shell completion from it, so --help, the man
 * page and completion cannot drift apart.
 */

/** Closed sets of values an option takes; resolved from the knowledge base when they come from it. */
export type ChoiceSet = 'arches' | 'targets' | 'features' | 'explainable' | 'approaches' | 'guests' | 'goals' | 'shells' | 'answers' | 'vendors' | 'hostFormats' | 'configFormats' | 'checkFormats' | 'reportFormats';

/** The output formats each command offers besides text (--json is the same as --format json). */
export const FORMATS = {
  hostFormats: ['text', 'json', 'prometheus'],
  configFormats: ['text', 'json', 'prometheus', 'junit'],
  checkFormats: ['text', 'json', 'prometheus', 'junit'],
  reportFormats: ['text', 'json', 'csv'],
} as const;

export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  describe: string;
  /** The placeholder for the value in usage lines: ARCH, FILE, VERSION. */
  value?: string;
  choices?: ChoiceSet;
  /** Repeatable, and comma-separated values are split: --for a,b --for c. */
  repeatable?: boolean;
  alias?: string;
  /** Shown in --help; the handler applies it. */
  defaultText?: string;
}

export interface PositionalSpec {
  name: string;
  describe: string;
  /** How usage shows it: "[versions..]", "<id>". */
  usage: string;
  choices?: ChoiceSet;
  /** A file name: completion offers files. */
  file?: boolean;
}

export interface CommandSpec {
  name: string;
  /** Runs when no command is given. */
  isDefault?: boolean;
  summary: string;
  /** Longer text for --help and the man page. */
  description: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  examples: Array<{ command: string; meaning: string }>;
}

export interface ExitCodeSpec {
  code: number;
  meaning: string;
}

const json = (what: string): OptionSpec => ({ name: 'json', type: 'boolean', describe: what });
const root = (what: string): OptionSpec => ({ name: 'root', type: 'string', value: 'DIR', describe: what, defaultText: '/' });
const format = (choices: keyof typeof FORMATS, what: string): OptionSpec => ({ name: 'format', type: 'string', value: 'FORMAT', choices, describe: what, defaultText: 'text' });
const arch = (what: string): OptionSpec => ({ name: 'arch', type: 'string', value: 'ARCH', choices: 'arches', describe: what });

export const COMMANDS: CommandSpec[] = [
  {
    name: 'recommend',
    isDefault: true,
    summary: 'recommend an approach and a minimum kernel for a machine (the default command)',
    description:
      'Reads the machine (CPU flags, architecture, kernel, /dev/kvm, Xen, containers), takes the guests and goals wanted, and ranks the approaches: KVM, Xen PV and HVM, lguest, containers, User-mode Linux and pure emulation, each with the minimum kernel, the reasons for and against, and the CONFIG_ options to enable. On a terminal it asks what the options did not say; without one it never asks.',
    positionals: [],
    options: [
      { name: 'detect', type: 'boolean', describe: 'read this machine (or --root); options given override what is found. The default when no option describes the machine' },
      root('read the machine whose filesystem is mounted here (an image, a chroot)'),
      arch('architecture of the machine the VMs will run on'),
      { name: 'cpu-flags', type: 'string', value: 'FLAGS', describe: 'CPU flags, e.g. "vmx lm pae", or a whole "flags : ..." line from /proc/cpuinfo' },
      { name: 'cpuinfo', type: 'string', value: 'FILE', describe: 'read the CPU from a /proc/cpuinfo capture' },
      { name: 'hardware-virt', type: 'string', value: 'ANSWER', choices: 'answers', describe: "the CPU in words, when its flags are not at hand: does it have hardware virtualization (VT-x/AMD-V...)? yes, no or unknown (don't know)" },
      { name: 'cpu-vendor', type: 'string', value: 'VENDOR', choices: 'vendors', describe: 'with --hardware-virt on x86: intel or amd, which picks kvm-intel or kvm-amd' },
      { name: 'guest', type: 'string', value: 'OS', choices: 'guests', repeatable: true, describe: 'guest systems to run (repeatable or comma-separated)' },
      { name: 'goal', type: 'string', value: 'GOAL', choices: 'goals', repeatable: true, describe: 'what matters, most important first (repeatable or comma-separated; windows = unmodified-guests)' },
      { name: 'kernel', type: 'string', value: 'VERSION', describe: 'the host kernel, as uname -r prints it (overrides detection)' },
      { name: 'keep-kernel', type: 'boolean', describe: 'the kernel cannot be changed: approaches it lacks are not eligible' },
      { name: 'non-interactive', type: 'boolean', describe: 'never ask (implied when standard input or output is not a terminal)' },
      { name: 'strict', type: 'boolean', describe: 'exit 1 unless an approach is eligible on known facts: the CPU shown (or answered) to have what it needs and the kernel known to have it or be changeable' },
      json('print { host, goals, guests, candidates } as JSON, candidates best first'),
    ],
    examples: [
      { command: 'virt-advisor recommend --detect', meaning: 'read this machine and recommend' },
      {
        command: 'virt-advisor recommend --arch x86_64 --cpu-flags "svm npt lm" --guest windows --goal performance --kernel 4.18.0-240.el8.x86_64 --keep-kernel --json',
        meaning: 'plan for another machine: an AMD host for Windows guests whose RHEL 8 kernel stays',
      },
      { command: 'virt-advisor recommend --arch x86_64 --cpu-vendor intel --hardware-virt unknown --guest linux --strict', meaning: "a machine described in words; exit 1 since whether it has VT-x is not known" },
    ],
  },
  {
    name: 'host',
    summary: 'what can be read of a machine, and where each fact came from',
    description:
      'Reports the CPU, architecture, kernel release and config, /dev/kvm and the KVM modules, nested virtualization, Xen, hypervisor, container and IOMMU facts, each with the file it was read from; a fact that cannot be read is reported as unknown with the reason.',
    positionals: [],
    options: [
      root('read the machine whose filesystem is mounted here (an image, a chroot)'),
      json('print the facts as JSON'),
      format('hostFormats', "text, json, or prometheus: metrics for node_exporter's textfile collector (the facts, and which approaches are eligible); exit 0 unless virt-advisor itself failed"),
    ],
    examples: [
      { command: 'virt-advisor host', meaning: 'this machine' },
      { command: 'virt-advisor host --format prometheus > /var/lib/node_exporter/textfile/virt_advisor.prom', meaning: 'for node_exporter (write to a temporary file and rename it, so a scrape never reads half of it)' },
      { command: 'virt-advisor host --root /mnt/image --json', meaning: 'a mounted system image, as JSON' },
    ],
  },
  {
    name: 'check',
    summary: 'what a kernel version can do, feature by feature',
    description:
      "Reads kernel versions as people have them (uname -r from any distribution, tags such as v6.9-rc1, /proc/version lines) and answers, for every feature of the knowledge base, whether that kernel has it on the architecture: mainline's release, corrected by the vendor's record of backports for RHEL, SLES, Ubuntu, Debian, Amazon Linux and Oracle UEK kernels. The architecture comes from --arch, else the version string (.aarch64, -arm64), else this machine. With no version, this machine's running kernel is checked together with its config and loaded modules; --config reads another kernel's config the same way.",
    positionals: [{ name: 'versions', usage: '[versions..]', describe: 'kernel versions: uname -r output, tags such as v6.9-rc1, /proc/version lines' }],
    options: [
      arch("architecture; default: the one the version string names (.aarch64, -armmp), else this machine's"),
      json('print one JSON object per version, one per line (JSON Lines)'),
      { name: 'require', type: 'string', value: 'ID', choices: 'features', repeatable: true, describe: 'features that must be supported (repeatable or comma-separated); exit 1 if one is not, or is unknown' },
      {
        name: 'approach',
        type: 'string',
        value: 'ID',
        choices: 'approaches',
        describe:
          "answer for one approach instead of every feature: whether the kernel has what it needs; for VirtualBox and VMware Workstation, which of their releases support the kernel (their modules are built outside the kernel), as the vendor's changelogs say. Exit 1 where it is not supported, or not known to be",
      },
      { name: 'allow-unknown', type: 'boolean', describe: 'with --require or --approach: count what cannot be told for a vendor kernel (unknown) as met' },
      { name: 'stdin', type: 'boolean', describe: 'read versions from standard input, one per line, bare or as LABEL<TAB>VERSION (a host name, any label); blank lines and # comments are skipped. With --json every record carries its line and label, and a bad line leaves an error record in its place' },
      { name: 'config', type: 'string', value: 'FILE', describe: "a kernel config (plain, gzip, or - for standard input) to read beside one version: each feature's config state; the version defaults to the config header's" },
      root("with no version: check the kernel running at this root (its release, config and loaded modules)"),
      format('checkFormats', 'text, json (as --json), prometheus (metrics per version and feature; exit 0 unless virt-advisor itself failed), or junit (with --require: one test suite per version, one test case per required feature)'),
    ],
    examples: [
      { command: 'virt-advisor check', meaning: "this machine's kernel, with its config and loaded modules" },
      { command: 'virt-advisor check "$(uname -r)"', meaning: 'the running kernel, by version alone' },
      { command: 'virt-advisor check 4.18.0-513.el8.x86_64', meaning: "a RHEL 8.9 kernel, with Red Hat's backports" },
      { command: 'virt-advisor check --config /boot/config-6.1.0-18-amd64 --require vhost-net', meaning: "another kernel's config: exit 1 unless it has vhost-net" },
      { command: 'virt-advisor check 2.6.23 3.0 --arch i386 --require lguest', meaning: 'two releases on 32-bit x86; exit 1 where lguest is missing' },
      { command: 'virt-advisor check --stdin --json --require amd-sev-snp < inventory.tsv', meaning: 'a fleet inventory of HOST<TAB>VERSION lines as JSON Lines, each record labelled with its host' },
      { command: 'virt-advisor check 5.14.0-427.13.1.el9_4.x86_64 --require vfio,vhost-net --format junit > kernel.xml', meaning: 'each requirement as a test case for a CI system' },
      { command: 'virt-advisor check 6.8.0-45-generic --approach virtualbox', meaning: 'which VirtualBox releases support this kernel; exit 1 if none is known to' },
    ],
  },
  {
    name: 'list',
    summary: 'the features the knowledge base knows',
    description: 'Lists every feature of the knowledge base; with --arch, those mainline has had on that architecture, with their releases.',
    positionals: [],
    options: [arch('only features mainline has had on this architecture, with their releases'), json('print the list as JSON')],
    examples: [
      { command: 'virt-advisor list', meaning: 'every feature' },
      { command: 'virt-advisor list --arch arm64', meaning: 'what arm64 has had, and since when' },
    ],
  },
  {
    name: 'explain',
    summary: 'everything known about one feature, or a hosted hypervisor, with sources',
    description:
      "Prints one feature: its releases per architecture, CPU flags, Kconfig symbols with their history, notes, and the source of every version. For a hosted hypervisor (virtualbox, vmware-workstation): every release, the kernel its changelog adds (or where its modules are reported to break), the vendor kernels it names, and what else to know, each with its source.",
    positionals: [{ name: 'id', usage: '<id>', describe: 'a feature id (see virt-advisor list), or virtualbox or vmware-workstation', choices: 'explainable' }],
    options: [json('print the rule as JSON')],
    examples: [
      { command: 'virt-advisor explain kvm', meaning: 'KVM on every architecture, with sources' },
      { command: 'virt-advisor explain amd-sev-snp --json', meaning: 'the rule as data' },
      { command: 'virt-advisor explain virtualbox', meaning: "which VirtualBox release added which kernel, from its changelog" },
    ],
  },
  {
    name: 'config',
    summary: 'audit a kernel .config for a use: KVM host or guest, Xen, containers, VFIO',
    description:
      "Audits a kernel .config (plain, gzip-compressed as /proc/config.gz, or - for standard input) for what a use of the kernel needs. Without a file, the running kernel's config is used (/proc/config.gz, /boot/config-<release>, /lib/modules/<release>/config). The kernel version comes from the config's header, never from the running kernel. Several files, or a directory (every regular file in it that is a kernel config; not its subdirectories), are audited in one run: a table of config by target, or JSON Lines; a config that cannot be read is reported and the others are still audited; the exit code is the worst of all.",
    positionals: [{ name: 'files', usage: '[files..]', describe: "configs: files (plain or gzip), directories (every kernel config in them), or - for standard input; default: the running kernel's", file: true }],
    options: [
      { name: 'for', type: 'string', value: 'TARGET', choices: 'targets', repeatable: true, describe: "targets to audit (repeatable or comma-separated); default: those for the config's architecture and release" },
      { name: 'kernel', type: 'string', value: 'VERSION', describe: 'the kernel version the config is for (default: from its header)' },
      arch('the architecture (default: from the header or the config)'),
      json('print the audit as JSON; with several configs or a directory, JSON Lines: one record per config, or an error record for one that cannot be read'),
      format('configFormats', "text, json (as --json), prometheus (metrics per config and target; exit 0 unless virt-advisor itself failed), or junit (one test suite per config, one test case per requirement)"),
      { name: 'fragment', type: 'boolean', describe: 'print CONFIG_X=y lines that enable what is missing, for scripts/kconfig/merge_config.sh' },
      root("find the running kernel's config under this root directory"),
    ],
    examples: [
      { command: 'virt-advisor config /boot/config-$(uname -r) --for kvm-host', meaning: 'can this kernel host KVM guests?' },
      { command: 'virt-advisor config .config --for containers --fragment > fix.config', meaning: 'what to enable for containers' },
      { command: 'virt-advisor config /boot --for kvm-host', meaning: 'every kernel config in /boot, as a table of config by target' },
      { command: 'virt-advisor config build/.config --for kvm-host --format junit > kernel-config.xml', meaning: 'each requirement as a test case for a CI system' },
    ],
  },
  {
    name: 'report',
    summary: 'one view of results collected from many hosts',
    description:
      'Reads the JSON of host --json, config --json and check --json collected from many machines (one file per host, or a directory with one file or subdirectory per host as Ansible fetches them; a check --stdin record labelled with a host belongs to that host) and prints a fleet table: per host its kernel, architecture, whether it is virtual, the approaches eligible on its facts, KVM, nested virtualization, IOMMU and the config targets satisfied; then per approach, target and feature, how many hosts can and which cannot, with the reason. A file that cannot be read is reported (exit 2) and the others are still used.',
    positionals: [{ name: 'inputs', usage: '[inputs..]', describe: 'files of JSON or JSON Lines, directories of them (.json, .jsonl, .ndjson), or - for standard input', file: true }],
    options: [json('print the fleet as JSON'), format('reportFormats', 'text, json (as --json), or csv: one row per host, for a spreadsheet')],
    examples: [
      { command: 'virt-advisor report results/', meaning: 'results/<host>/host.json and config.json, fetched from each host' },
      { command: 'virt-advisor report results/ --format csv > fleet.csv', meaning: 'the same as a spreadsheet' },
      { command: 'virt-advisor check --stdin --json < inventory.tsv | virt-advisor report -', meaning: 'which hosts of a HOST<TAB>VERSION inventory have which features' },
    ],
  },
  {
    name: 'timeline',
    summary: 'when each feature was in mainline on an architecture, as a picture',
    description:
      'Draws the history the knowledge base carries: a row per feature mainline has had on the architecture, mainline releases (with their years) along the top, a bar from the release that added the feature to the one that removed it. In a terminal with colour and block characters (ASCII with NO_COLOR or a locale that is not UTF-8), fitted to its width; --json gives the same data; --svg and --html write it as a picture (the HTML page has the SVG inline, with a hover title per bar giving its releases and sources).',
    positionals: [],
    options: [
      arch("the architecture; default: this machine's"),
      { name: 'features', type: 'string', value: 'ID', choices: 'features', repeatable: true, describe: 'only these features (repeatable or comma-separated); default: every feature mainline has had there' },
      { name: 'since', type: 'string', value: 'VERSION', describe: 'the first release shown; default: the oldest release that added one of the features' },
      { name: 'until', type: 'string', value: 'VERSION', describe: 'the last release shown; default: the newest release the knowledge base knows' },
      json('print the timeline as data: the releases with their dates, and each feature with its releases and sources'),
      { name: 'svg', type: 'string', value: 'FILE', describe: 'write the timeline as an SVG picture (- for standard output)' },
      { name: 'html', type: 'string', value: 'FILE', describe: 'write an HTML page with the SVG inline and a hover title per bar (- for standard output)' },
    ],
    examples: [
      { command: 'virt-advisor timeline --arch x86_64', meaning: 'the x86 history in the terminal' },
      { command: 'virt-advisor timeline --arch arm64 --svg arm64.svg', meaning: 'the arm64 history as a picture' },
      { command: 'virt-advisor timeline --features kvm,lguest,vmi --since 2.6.20 --until 4.20', meaning: 'three features over a span' },
    ],
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash or zsh)',
    description:
      'Prints a script that completes commands, options and the values of enumerated options (architectures, targets, feature ids, guests, goals). Load it from your shell start-up file: eval "$(virt-advisor completion bash)" in ~/.bashrc, or eval "$(virt-advisor completion zsh)" in ~/.zshrc.',
    positionals: [{ name: 'shell', usage: '[shell]', describe: 'bash or zsh; default: from $SHELL', choices: 'shells' }],
    options: [],
    examples: [
      { command: 'eval "$(virt-advisor completion bash)"', meaning: 'complete in this bash session' },
      { command: 'virt-advisor completion zsh > ~/.zfunc/_virt-advisor', meaning: 'install for zsh' },
    ],
  },
];

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  { name: 'color', type: 'boolean', describe: 'colour the text output (--no-color: never); default: on a terminal, as NO_COLOR, FORCE_COLOR and TERM=dumb say' },
  { name: 'help', alias: 'h', type: 'boolean', describe: 'show help' },
  { name: 'version', type: 'boolean', describe: 'show the version' },
];

export const EXIT_CODES: ExitCodeSpec[] = [
  { code: 0, meaning: 'done; every requirement met; recommend: an approach is eligible; --format prometheus: the metrics were written, whatever they say' },
  { code: 1, meaning: 'a requirement is not met (check --require, a config target); recommend: no approach is eligible (with --strict: none on known facts)' },
  { code: 2, meaning: "bad input or usage (one line on stderr says what); with several versions, --stdin, several configs or report's inputs, at least one was bad (the others were still answered); this wins over 1" },
  { code: 70, meaning: 'an internal error: a bug in virt-advisor (one line; VIRT_ADVISOR_DEBUG=1 prints the stack)' },
  { code: 130, meaning: 'the questionnaire was interrupted (Ctrl-C)' },
];

export const ENVIRONMENT: Array<{ name: string; meaning: string }> = [
  { name: 'NO_COLOR', meaning: 'when set, no colour (unless --color or FORCE_COLOR asks for it)' },
  { name: 'FORCE_COLOR', meaning: '1, 2, 3, true or empty: colour even into a pipe; 0 or false: no colour' },
  { name: 'TERM', meaning: 'dumb: no colour' },
  { name: 'VIRT_ADVISOR_DEBUG', meaning: '1: an internal error prints its stack trace' },
  { name: 'XDG_CACHE_HOME', meaning: 'where start-up code caches are kept when the shipped one does not fit this Node (default ~/.cache)' },
];

export const SHELLS = ['bash', 'zsh'] as const;

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}
