// The build replaces __VIRT_ADVISOR_VERSION__ with package.json's version.
declare const __VIRT_ADVISOR_VERSION__: string | undefined;

export const VERSION: string = typeof __VIRT_ADVISOR_VERSION__ === 'string' ? __VIRT_ADVISOR_VERSION__ : '0.0.0-source';

/** Where bugs are reported (package.json's bugs.url). */
export const BUGS_URL = 'https://github.com/virt-advisor/virt-advisor/issues';
