/** What the start banner shows. */
export interface BannerInput {
  readonly url: string;
  /** Whether the playground build is served at `/`. */
  readonly playground: boolean;
  /** The admin key, only when this start created it (shown once). */
  readonly adminKey: string | undefined;
  /** A model for the sample request. */
  readonly model: string | undefined;
  readonly providers: readonly string[];
  readonly dataDir: string;
  readonly configFile: string | undefined;
  /** Problems worth fixing that do not stop the start (deployments naming models nobody serves). */
  readonly warnings: readonly string[];
  /** How to run the CLI from here with this start's `-c` / `--data-dir`, e.g. `pnpm exec switchyard`. */
  readonly cli: { readonly command: string; readonly flags: string };
}

/** The human-readable start message: where it listens, the playground, the new admin key, a curl line. */
export function renderBanner(input: BannerInput): string {
  const key = input.adminKey ?? '$SWITCHYARD_API_KEY';
  const model = input.model ?? 'simulator/echo';
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] });
  const lines = [
    '',
    `  Switchyard gateway listening on ${input.url}`,
    '',
    input.playground
      ? `  Playground:  ${input.url}/`
      : '  Playground:  not built (pnpm --filter @switchyard/playground build, then restart)',
    `  Providers:   ${input.providers.join(', ')}`,
    `  Data:        ${input.dataDir}${input.configFile ? `\n  Config:      ${input.configFile}` : ''}`,
  ];
  if (input.warnings.length > 0) lines.push('', '  Warnings:', ...input.warnings.map((w) => `    ${w}`));
  const { command, flags } = input.cli;
  if (input.adminKey) {
    lines.push(
      '',
      '  Admin key (created now and shown ONCE: store it somewhere safe):',
      `    ${input.adminKey}`,
      '  Create API keys for apps with:',
      `    ${command} keys create --name my-app${flags}`,
    );
    // The key rides in the fragment, which browsers never send: it stays out of requests and access logs.
    if (input.playground)
      lines.push(
        '  Open the playground connected with it:',
        `    ${input.url}/#key=${encodeURIComponent(input.adminKey)}`,
      );
  } else {
    lines.push(
      '',
      '  Admin key: made on an earlier start (or SWITCHYARD_ADMIN_KEY) and not shown again. Lost it? Make another:',
      `    ${command} keys create --name admin --admin${flags}`,
    );
  }
  lines.push(
    '',
    '  Try it:',
    `    curl ${input.url}/v1/chat/completions \\`,
    `      -H "Authorization: Bearer ${key}" \\`,
    `      -H "Content-Type: application/json" \\`,
    `      -d '${body}'`,
    '',
  );
  return lines.join('\n');
}
