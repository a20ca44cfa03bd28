/**
 * Deterministic user rows. Row i depends only on (seed, i), so a variant of a file can be written
 * row by row without reading the base file, and two runs with the same seed write identical bytes.
 */

export const HEADER = [
  'UserIdentifier',
  'UPN',
  'EmailId',
  'FirstName',
  'LastName',
  'UserName',
  'Title',
  'Department',
  'Status',
  'Language',
  'ManagerEmail',
] as const;

export interface UserRow {
  identifier: string;
  upn: string;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  title: string;
  department: string;
  status: 'Active' | 'Inactive';
  language: string;
  managerEmail: string;
}

const FIRST_NAMES = [
  'Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'John', 'Katherine', 'Linus', 'Margaret', 'Niklaus',
  'Radia', 'Ken', 'Sophie', 'Tim', 'Hedy', 'Dennis', 'Annie', 'Bjarne', 'Lucia', 'Mateo', 'Valentina', 'Santiago',
  'Camila', 'Joao', 'Ana', 'Pedro', 'Isabel', 'Martin', 'Chloe', 'Yuki', 'Priya', 'Omar', 'Fatima', 'Lars',
];
const LAST_NAMES = [
  'Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Backus', 'Johnson', 'Torvalds', 'Hamilton',
  'Wirth', 'Perlman', 'Thompson', 'Wilson', 'Berners', 'Lamarr', 'Ritchie', 'Easley', 'Stroustrup', 'Garcia', 'Lopez',
  'Martinez', 'Rodriguez', 'Fernandez', 'Silva', 'Santos', 'Oliveira', 'Pereira', 'Costa', 'Muller', 'Schmidt',
  'Tanaka', 'Sharma', 'Haddad', 'Nielsen',
];
export const TITLES = [
  'Engineer', 'Senior Engineer', 'Staff Engineer', 'Analyst', 'Senior Analyst', 'Manager', 'Director', 'Designer',
  'Accountant', 'Recruiter', 'Support Agent', 'Sales Representative', 'Account Executive', 'Product Manager',
  'Data Scientist', 'Technician', 'Consultant', 'Architect', 'Coordinator', 'Specialist',
];
const DEPARTMENTS = [
  'Engineering', 'Research', 'Finance', 'Human Resources', 'Sales', 'Marketing', 'Support', 'Operations', 'Legal',
  'Procurement', 'Logistics', 'IT',
];
const LANGUAGES = ['en', 'en', 'en', 'es', 'es', 'pt-BR', 'fr', 'de', 'en-GB', 'it'];

/** A small, fast PRNG (mulberry32); deterministic for a given 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes the run's seed with a row index into the seed of that row's PRNG. */
function rowSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)];

/** E-mail (and identifier, UPN) of user `index`: unique because the index is part of it. */
export function emailOf(seed: number, index: number): string {
  const random = mulberry32(rowSeed(seed, index));
  const first = pick(FIRST_NAMES, random);
  const last = pick(LAST_NAMES, random);
  return `${first}.${last}.${index}@bench.example.com`.toLowerCase();
}

/** User `index` (0-based; data row index + 2 in spreadsheet terms) of the base file. */
export function userAt(seed: number, index: number): UserRow {
  const random = mulberry32(rowSeed(seed, index));
  const firstName = pick(FIRST_NAMES, random);
  const lastName = pick(LAST_NAMES, random);
  const email = `${firstName}.${lastName}.${index}@bench.example.com`.toLowerCase();
  const title = pick(TITLES, random);
  const department = pick(DEPARTMENTS, random);
  const language = pick(LANGUAGES, random);
  // One user in 50 is inactive; every user but the first reports to an earlier one (a tree of fan-out 8).
  const status = random() < 0.02 ? 'Inactive' : 'Active';
  const managerEmail = index === 0 ? '' : emailOf(seed, Math.floor((index - 1) / 8));
  return {
    identifier: email,
    upn: email,
    email,
    firstName,
    lastName,
    username: `${firstName}.${lastName}${index}`.toLowerCase(),
    title,
    department,
    status,
    language,
    managerEmail,
  };
}

/** How a variant file differs from the base file. */
export interface Variant {
  /** Every 100th row (at offset 37) gets another title: 1 % of rows changed, spread evenly. */
  changeOnePercent?: boolean;
  /** Every 100th row (at offset 73, never a changed one) is left out: 1 % of users missing. */
  dropOnePercent?: boolean;
}

export const CHANGE_OFFSET = 37;
export const DROP_OFFSET = 73;

/** Row `index` as it appears in the variant, or undefined when the variant leaves it out. */
export function variantRow(seed: number, index: number, variant: Variant): UserRow | undefined {
  if (variant.dropOnePercent && index % 100 === DROP_OFFSET) return undefined;
  const user = userAt(seed, index);
  if (variant.changeOnePercent && index % 100 === CHANGE_OFFSET) {
    user.title = TITLES[(TITLES.indexOf(user.title) + 1) % TITLES.length];
  }
  return user;
}

/** One CSV line (no line break), quoting only the cells that need it. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');
}

export function rowCells(user: UserRow): string[] {
  return [
    user.identifier,
    user.upn,
    user.email,
    user.firstName,
    user.lastName,
    user.username,
    user.title,
    user.department,
    user.status,
    user.language,
    user.managerEmail,
  ];
}
