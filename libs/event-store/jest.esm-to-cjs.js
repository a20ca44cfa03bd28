// NestJS 12 ships only ES modules, which Jest's CommonJS runtime cannot load. This transformer
// compiles them to CommonJS with SWC (a direct dependency) as Jest loads them.
const { transformSync } = require('@swc/core');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      filename,
      module: { type: 'commonjs' },
      jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } },
      sourceMaps: true,
    });
    return { code, map };
  },
};
