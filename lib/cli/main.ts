const USAGE = `quayside — Helm's release model as a serverless service

Usage: quayside <command> [flags]

Commands:
  template  render a chart locally and print it, as helm template does
  sim       run the Kubernetes API simulator and write a kubeconfig for kubectl
  start     run the whole service on this machine (queue, store, cluster, worker)
  version   print the quayside version

Run 'quayside <command> --help' for a command's flags.`;

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
    case '--version':
      process.stdout.write('quayside 0.1.0\n');
      return 0;
    case 'template':
      return (await import('./template.ts')).runTemplateCommand(argv.slice(1));
    case 'sim':
      return (await import('./sim.ts')).runSimCommand(argv.slice(1));
    case 'start':
      return (await import('./start.ts')).runStartCommand(argv.slice(1));
    default:
      process.stderr.write(
        `Error: unknown command "${command}" for "quayside"\nRun 'quayside --help' for usage.\n`,
      );
      return 2;
  }
}
