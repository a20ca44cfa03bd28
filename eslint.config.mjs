// Module boundaries: what each kind of project may import. The domain stays pure: no framework,
// database, FTP or file-system code, so its rules can be tested and reasoned about alone.
import nx from '@nx/eslint-plugin';

const infrastructure = [
  '@nestjs/*',
  'better-sqlite3',
  'basic-ftp',
  '@kurrent/*',
  'express',
  'multer',
  'csv-parse',
  'csv-parse/*',
  'csv-stringify',
  'csv-stringify/*',
  'fast-xml-parser',
  'class-validator',
  'class-transformer',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/node_modules', '**/dist', '**/.nx', 'data/**', 'tmp/**', 'bench/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: infrastructure },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
