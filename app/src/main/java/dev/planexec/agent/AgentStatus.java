package dev.planexec.agent;

/**
 * One agent as {@code planexec agents} shows it.
 *
 * @param cli the CLI it would use, or {@code null} if none was found (or it needs none)
 * @param source how the CLI was found: {@code PLANEXEC_COPILOT_CLI}, {@code installed by planexec}, {@code PATH}
 * @param version what the CLI says its version is, or {@code null}
 * @param tested the versions planexec is tested with, e.g. {@code 1.0.50 to 1.0.102}, or {@code null}
 * @param ready whether its tasks can run here now
 * @param detail when ready, how (e.g. {@code GitHub sign-in}); when not, what is wrong and what to do
 */
public record AgentStatus(
        String agent, String cli, String source, String version, String tested, boolean ready, String detail) {}
