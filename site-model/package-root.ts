/**
 * The folder of ai-factory-cdk's package.json, wherever the code runs from: the sources under
 * ts-node or jest, the compiled `dist/`, or an installed package. Files the code reads at run
 * time (the catalogue, templates, the generated references) are found from here.
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'ai-factory-cdk';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}

/** Absolute path of the package's root folder. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);
