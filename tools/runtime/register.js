// Lets `node -r ./tools/runtime/register.js app.ts` run the TypeScript sources directly.
// SWC honours emitDecoratorMetadata from the tsconfig, which NestJS needs for injection by type.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
