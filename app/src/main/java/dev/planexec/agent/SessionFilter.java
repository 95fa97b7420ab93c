package dev.planexec.agent;

/**
 * Which sessions to list; a {@code null} field matches anything. Mirrors the Copilot SDK's session list filter.
 *
 * @param idPrefix only ids that start with this, e.g. {@code "planexec-"} for planexec's own sessions
 */
public record SessionFilter(String cwd, String gitRoot, String repository, String branch, String idPrefix) {

    public static final SessionFilter ALL = new SessionFilter(null, null, null, null, null);

    public boolean matches(String id, SessionContext context) {
        return (idPrefix == null || id.startsWith(idPrefix))
                && same(cwd, context.cwd())
                && same(gitRoot, context.gitRoot())
                && same(repository, context.repository())
                && same(branch, context.branch());
    }

    private static boolean same(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }
}
