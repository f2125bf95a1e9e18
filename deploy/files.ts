/** Every file under `dir`, as site paths (`/index.html`, `/assets/x.js`), sorted. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export function sitePaths(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push('/' + relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}
