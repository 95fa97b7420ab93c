package dev.planexec.agent.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code planexec agents} tells, without running a CLI, that it can reach a model: a key in one of
 * {@code variables}, or a sign-in file the CLI keeps under the home folder. A cheap check, not a promise: the CLI
 * itself decides when it runs.
 *
 * @param homeFiles relative to {@code $HOME}
 * @param howTo what to do when neither is there
 */
record SignIn(List<String> variables, List<String> homeFiles, String howTo) {

    /** How it is signed in ({@code ANTHROPIC_API_KEY set}, {@code signed in (~/.codex/auth.json)}), or empty. */
    Optional<String> check(Map<String, String> env) {
        for (String variable : variables) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(variable + " set");
            }
        }
        String home = env.get("HOME");
        if (home != null && !home.isBlank()) {
            for (String file : homeFiles) {
                if (Files.isRegularFile(Path.of(home).resolve(file))) {
                    return Optional.of("signed in (~/" + file + ")");
                }
            }
        }
        return Optional.empty();
    }
}
