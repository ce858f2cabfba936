const COMMON = `Common flags:
  -n, --namespace NS       release namespace (default: the kube context's, else "default")
      --cluster CONTEXT    kube context that names the cluster (default: the current context)
      --kubeconfig FILE    kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
      --store URL          release store: memory://, file://DIR, dynamodb://TABLE?endpoint=URL&region=R
                           (default: $QUAYSIDE_STORE, else file://$HOME/.quayside/store)
  -o, --output FORMAT      table, json or yaml (default table)
      --debug              print each step and the stack of an error`;

const VALUES = `Chart and values:
  -f, --values FILE        values file (repeatable, comma-separated)
      --set K=V            set values (also --set-string, --set-json, --set-file; repeatable)
      --version V          chart version constraint (repository and OCI charts)
      --repo URL           chart repository URL; CHART is then the chart's name
      --username, --password, --plain-http   repository or registry access`;

const ACTION = `Action:
      --wait[=STRATEGY]    wait until every object is ready (default true); Helm 4's watcher and
                           legacy wait, hookOnly (or false) waits only for hooks
      --wait-for-jobs      also wait until Jobs have completed (install, upgrade, rollback)
      --timeout DURATION   time the whole action may take (default 5m0s)
      --rollback-on-failure, --atomic   on failure, roll back to the last deployed revision
      --dry-run[=server]   diff against the cluster; apply and record nothing
      --description TEXT   the revision's description
      --history-max N      revisions to keep (0: all)
      --create-namespace   create the namespace when missing
      --reuse-values, --reset-values, --reset-then-reuse-values   as helm upgrade
      --force-conflicts    take fields other field managers own (server-side apply --force-conflicts)
      --force-replace      delete and recreate objects whose immutable fields changed
      --force              both of the above (Helm 3's --force)
      --server-side[=auto] accepted as in Helm 4; quayside always applies server-side
      --helm-records[=false]   write helm's own release records after the action, or not (default: when
                           the release has them, e.g. imported; every release with QUAYSIDE_KEEP_HELM_RECORDS=1)
      --cleanup-on-fail, --take-ownership, --no-hooks      as helm
      --queue-url URL      queued mode (also $QUAYSIDE_QUEUE_URL): send a DeployRequest and follow it
      --no-follow          queued mode: print the request id once it is on the queue, and return
      --bake-for DURATION  queued mode (install, upgrade, rollback): bake the new revision that long;
                           --bake-alarm NAME (repeatable) or --bake-health trouble rolls it back by
                           itself, a clean bake verifies it (docs/automation.md)`;

/** Each release verb's --help. */
export const USAGE = {
  import: `Usage: quayside import [RELEASE] [-n NAMESPACE | -A] [flags]

Take releases helm made into quayside, each with its whole history: the revision numbers, statuses,
descriptions, chart metadata, values, manifests, notes and hooks of helm's records (Secrets
sh.helm.release.v1.NAME.vN, or ConfigMaps). quayside then continues it: the next upgrade is the next
number, and rollback reaches any revision helm kept. Helm's records are only read; afterwards quayside
keeps them up to date, so helm still reads the release (--helm-records=false on an action stops that).
Without RELEASE, every helm release of the namespace; with -A, of every namespace.

  -A, --all-namespaces     every namespace

${COMMON}`,
  install: `Usage: quayside install NAME CHART [flags]

Install CHART (a directory, a .tgz, oci://REF, or NAME with --repo URL) as release NAME.

${VALUES}

${ACTION}

${COMMON}`,
  upgrade: `Usage: quayside upgrade NAME CHART [flags]

Upgrade release NAME to CHART. With -i/--install, install it when it does not exist.

${VALUES}

${ACTION}

${COMMON}`,
  rollback: `Usage: quayside rollback NAME [REVISION] [flags]

Roll release NAME back to REVISION (0 or none: the one before the latest), as a new revision.

${ACTION}

${COMMON}`,
  uninstall: `Usage: quayside uninstall NAME [--keep-history] [flags]

Delete release NAME's objects; with --keep-history its revisions stay (status uninstalled).

${ACTION}

${COMMON}`,
  history: `Usage: quayside history NAME [--max N] [flags]

Print release NAME's revisions, oldest first (at most the newest --max, default 256).

${COMMON}`,
  status: `Usage: quayside status NAME [--revision N] [flags]

Print release NAME's status: last deployed, namespace, status, revision, tests and notes.

      --revision N         a given revision's status
      --show-resources     also the release's objects on the cluster and their pods, as helm 4
                           status shows them (RESOURCES; with -o, info.resources). Without it the
                           cluster is not contacted

${COMMON}`,
  list: `Usage: quayside list [flags]

List releases (each one's latest revision), by name; every status unless the status flags narrow it.

  -A, --all-namespaces     releases of every namespace
      --deployed, --failed, --pending, --uninstalled, --superseded, --uninstalling
                           only these statuses (they combine); -a, --all is every status, the default
  -f, --filter REGEX       only names matching the regular expression
  -l, --selector SELECTOR  release labels to match (key=value, key!=value); quayside releases have none
  -d, --date               sort by date, oldest first
  -r, --reverse            reverse the order
  -m, --max N              at most N releases (default 256; 0: no limit)
      --offset N           skip the first N
  -q, --short              names only
      --no-headers         no header row in the table
      --time-format LAYOUT UPDATED as a Go time layout, e.g. "2006-01-02 15:04:05Z0700"

${COMMON}`,
  get: `Usage: quayside get values|manifest|notes|hooks|all NAME [--revision N] [flags]

Print what a revision holds. 'get values --all' prints the computed values.

${COMMON}`,
  diff: `Usage: quayside diff upgrade NAME CHART [flags]
       quayside diff rollback NAME [REVISION] [flags]
       quayside diff revision NAME A B [flags]

Show what an upgrade or rollback would change in the cluster (a server-side dry run; nothing is
recorded), or how two stored revisions' manifests differ.

${VALUES}

${COMMON}`,
  test: `Usage: quayside test NAME [flags]

Run the deployed revision's test hooks and print each one's outcome. Exits 1 when a test fails.

${COMMON}`,
} as const;
