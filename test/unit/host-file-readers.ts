/**
 * Readers for the generated host files that answer "which headers does this host send for this
 * path", the way the host decides it: nginx picks one location (exact `=` first, then the longest
 * prefix) and sends only that location's `add_header`s; Netlify and Cloudflare Pages apply every
 * matching `_headers` rule and join repeated headers with ", ".
 */
export type Headers = Record<string, string[]>;

interface NginxLocation {
  readonly exact: boolean;
  readonly path: string;
  readonly headers: Headers;
}

export function nginxLocations(conf: string): { locations: NginxLocation[]; serverLevelHeaders: number } {
  const locations: NginxLocation[] = [];
  let current: NginxLocation | undefined;
  let serverLevelHeaders = 0;
  for (const line of conf.split('\n').map((l) => l.trim())) {
    const loc = /^location (=\s)?(\S+) \{$/.exec(line);
    if (loc) {
      current = { exact: loc[1] !== undefined, path: loc[2]!, headers: {} };
      locations.push(current);
    } else if (line === '}') {
      current = undefined;
    } else {
      const h = /^add_header (\S+) "([^"]*)"( always)?;$/.exec(line);
      if (h && current) (current.headers[h[1]!] ??= []).push(h[2]!);
      else if (h || line.startsWith('add_header')) serverLevelHeaders++;
    }
  }
  return { locations, serverLevelHeaders };
}

export function nginxHeadersFor(conf: string, path: string): Headers {
  const { locations } = nginxLocations(conf);
  const exact = locations.find((l) => l.exact && l.path === path);
  const prefix = locations.filter((l) => !l.exact && path.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0];
  const chosen = exact ?? prefix;
  if (!chosen) throw new Error(`no nginx location for ${path}`);
  return chosen.headers;
}

export function headersFileFor(file: string, path: string): Headers {
  const out: Headers = {};
  for (const block of file.split(/\n\s*\n/)) {
    const [rule, ...lines] = block.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    if (!rule) continue;
    const matches = rule.endsWith('*') ? path.startsWith(rule.slice(0, -1)) : path === rule;
    if (!matches) continue;
    for (const l of lines) {
      const m = /^ {2}([^:]+): (.*)$/.exec(l);
      if (!m) throw new Error(`bad _headers line: ${l}`);
      (out[m[1]!] ??= []).push(m[2]!);
    }
  }
  return out;
}

/** What a browser receives when the host joins repeated headers (`_headers` hosts). */
export const joined = (h: Headers): Record<string, string> => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.join(', ')]));
