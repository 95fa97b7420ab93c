package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentStatus;
import dev.planexec.agent.CliLookup;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.VersionProbe;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One coding-agent CLI that runs a prompt non-interactively and streams JSON lines: what differs between Claude Code,
 * Codex, Gemini CLI, Pi and Cursor. Everything they share (finding the CLI, starting it in a process group of its
 * own, reading its stream, keeping its last stderr lines, stopping its process tree, planexec's records of its
 * sessions) is in {@link CliRuntime} and {@link CliSession}.
 *
 * <p>A subclass is a provider named in {@link dev.planexec.agent.AgentRegistry}'s table.
 */
public abstract class CliAgent implements AgentProvider {
    /**
     * What a CLI says when it does not have the session it is asked to go on in. Matched against the run's stderr
     * and the errors in its stream when the run fails; a resume that fails any other way fails the task instead, so
     * a network or sign-in error never throws a conversation away.
     */
    static final Pattern REJECTED =
            Pattern.compile("(?i)(no [a-z ]*(conversation|session|chat|thread|rollout)s?[a-z ]* found"
                    + "|(session|conversation|chat|thread)\\b[^\\n]{0,80}\\b(not found|does not exist|doesn't exist"
                    + "|could not be found|cannot be found|no longer exists)"
                    + "|(invalid|unknown) (session|conversation|chat|thread))");

    /** The command's name on {@code PATH}: the agent's name unless the CLI is called otherwise. */
    protected String executable() {
        return name();
    }

    /**
     * How to install the CLI, for the one-line error when it is missing: {@code planexec agents install} for a CLI
     * planexec installs from npm; an agent without one says its own way.
     */
    protected String installHint() {
        return "run 'planexec agents install " + name() + "'";
    }

    /** Adds {@code --model NAME} when {@code --model} was given: every CLI here spells it the same way. */
    protected static void addModel(List<String> args, Invocation run) {
        if (run.model() != null) {
            args.add("--model");
            args.add(run.model());
        }
    }

    /**
     * How {@code planexec agents} tells that the CLI can reach a model without running it; {@code null} when there is
     * no cheap way, and the CLI is left to say when it runs.
     */
    protected SignIn signIn() {
        return null;
    }

    /** The arguments after the executable for one run. */
    protected abstract List<String> arguments(Invocation run);

    /** Handles one JSON object of the CLI's stdout stream. */
    protected abstract void onEvent(JsonNode event, Turn turn);

    /**
     * Removes what the CLI itself stored for a session (under any of {@code ids}).
     *
     * @throws AgentException saying what planexec could not remove and how the user can, where it cannot
     */
    protected abstract void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env)
            throws AgentException;

    /**
     * Whether the CLI names its sessions itself and planexec only learns the id from its output (Codex), or from a
     * command run before the first prompt (Cursor). The plan then holds planexec's placeholder id until then.
     */
    protected boolean learnsId() {
        return false;
    }

    /**
     * For a CLI that creates its session with a command of its own before the first prompt: the arguments of that
     * command, whose output's last line is the new id. {@code null} when the first run creates it.
     */
    protected List<String> createArguments() {
        return null;
    }

    /** For a CLI whose session is a file planexec chooses (Pi): its name's suffix. {@code null} for none. */
    protected String sessionFileSuffix() {
        return null;
    }

    /** The environment variable naming the CLI's path, e.g. {@code PLANEXEC_CLAUDE_CLI}. */
    public final String cliVariable() {
        return CliLookup.variable(name());
    }

    /** Whether {@code id} is planexec's placeholder, not yet replaced by the id the CLI named. */
    final boolean isPlaceholder(String id) {
        return learnsId() && id.startsWith(SessionIds.PREFIX);
    }

    @Override
    public AgentRuntime open(AgentEnvironment environment) {
        return new CliRuntime(this, environment);
    }

    /** The CLI found (see {@link CliLookup}), its version, and whether it is signed in or has a key. */
    @Override
    public AgentStatus status(AgentEnvironment environment) {
        String tested = npm().map(NpmCli::testedVersion).orElse(null);
        CliLookup.Found found;
        try {
            found = CliLookup.find(name(), executable(), npm().orElse(null), environment)
                    .orElse(null);
        } catch (AgentException e) {
            return new AgentStatus(name(), null, null, null, tested, false, e.getMessage());
        }
        if (found == null) {
            return new AgentStatus(
                    name(), null, null, null, tested, false, "no " + executable() + " CLI: " + installHint());
        }
        String version = VersionProbe.read(found.path(), environment.env());
        SignIn signIn = signIn();
        if (signIn == null) {
            return new AgentStatus(
                    name(),
                    found.path().toString(),
                    found.source(),
                    version,
                    tested,
                    true,
                    "sign-in not checked; the CLI says when it runs");
        }
        Optional<String> how = signIn.check(environment.env());
        return new AgentStatus(
                name(),
                found.path().toString(),
                found.source(),
                version,
                tested,
                how.isPresent(),
                how.orElse("not signed in: " + signIn.howTo()));
    }

    // ---- small helpers for the subclasses' stream mapping ---------------------------------------------------------

    /** A short one-line rendering of a tool's input, for the log. */
    protected static String brief(JsonNode input) {
        if (input == null || input.isMissingNode() || input.isNull()) {
            return "";
        }
        for (String key : List.of("command", "cmd", "file_path", "path", "pattern", "url", "query")) {
            if (input.path(key).isValueNode()) {
                return oneLine(input.path(key).asText());
            }
        }
        return oneLine(input.isValueNode() ? input.asText() : input.toString());
    }

    protected static String oneLine(String text) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /** {@code content} as text: a string, or the text parts of an array of content blocks. */
    protected static String text(JsonNode content) {
        if (content == null || content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    text.append(part.asText());
                } else if (part.path("text").isTextual()) {
                    text.append(part.path("text").asText());
                }
            }
        }
        return text.toString();
    }
}
