type Check = (value: unknown) => boolean;

/**
 * A local part of plain ASCII words (letters, digits, `_`, `+`, `-`) joined by single dots, then
 * the one `@`. validator.js's isEmail (class-validator's @IsEmail) checks of a local part its
 * length in bytes (at most 64), whether it is quoted, and the characters of each dot-separated
 * word: such a local part of at most 64 characters passes all three.
 */
const PLAIN_LOCAL_PART = /^[a-z\d_+-]+(?:\.[a-z\d_+-]+)*@/i;
const MAX_PLAIN_LOCAL_PART = 64;
/** Longer addresses isEmail refuses whatever they hold. */
const MAX_ADDRESS = 254;

/**
 * isEmail at a fraction of its cost on the addresses of a company file: for an address of at most
 * 254 characters with a plain local part, its verdict depends on the domain alone (the domain's
 * own checks are the costly ones: its length in bytes, then each label), so it is asked once per
 * domain and remembered. Every other address goes to `isEmail` itself. At most `capacity` domains
 * are remembered; full, it forgets them all, so its memory stays bounded whatever the file.
 */
export function rememberedByDomain(isEmail: Check, capacity = 1_024): Check {
  let verdicts = new Map<string, boolean>();
  return (value) => {
    if (typeof value !== 'string' || value.length > MAX_ADDRESS) return isEmail(value);
    const local = PLAIN_LOCAL_PART.exec(value);
    const at = local ? local[0].length - 1 : -1;
    if (at < 0 || at > MAX_PLAIN_LOCAL_PART || value.includes('@', at + 1)) return isEmail(value);
    const domain = value.slice(at + 1);
    let verdict = verdicts.get(domain);
    if (verdict === undefined) {
      verdict = isEmail(value);
      if (verdicts.size >= capacity) verdicts = new Map();
      verdicts.set(domain, verdict);
    }
    return verdict;
  };
}
