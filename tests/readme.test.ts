import * as fs from 'fs';
import * as path from 'path';
import { checkSiteText } from '../site-model/loader';
import { formatProblem } from '../site-model/problems';
import { synthSite } from './helpers';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  test('the minimal site file example is valid and synthesizes', () => {
    const block = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const check = checkSiteText(block ?? '', 'sites/xx-example.yaml');
    expect(check.problems.map(formatProblem)).toEqual([]);
    const { platform, workloads } = synthSite(check.spec!);
    expect(Object.keys(platform.resource).length).toBeGreaterThan(0);
    expect(Object.keys(workloads.resource).length).toBeGreaterThan(0);
  });

  test('names the two quick-start commands that CI runs', () => {
    expect(README).toContain('npm ci && npm run synth');
    expect(README).toContain('npm ci && npm test');
    expect(fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8')).toMatch(/^npm ci --no-audit --no-fund\n[\s\S]*^npm test 2>&1/m);
  });
});
