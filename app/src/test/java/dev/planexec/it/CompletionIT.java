package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.testing.CommandRunner;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code planexec completion bash}, sourced into a real bash and asked for candidates the way bash asks when Tab is
 * pressed ({@code COMP_WORDS}, {@code COMP_CWORD}, then the completion function).
 */
class CompletionIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    private Path script;

    @BeforeEach
    void writeScriptAndFiles() throws IOException {
        CommandRunner.Result r = new CommandRunner(sandbox.home()).run("completion", "bash");
        assertEquals(0, r.exitCode(), r::toString);
        script = Files.writeString(sandbox.root().resolve("planexec.bash"), r.out());
        Path work = sandbox.work();
        Files.createDirectories(work.resolve("plans"));
        Files.writeString(work.resolve("plans/demo.json"), "{}");
        Files.writeString(work.resolve("tasks.json"), "{}");
        Files.writeString(work.resolve("notes.txt"), "");
    }

    @Test
    void plan_arguments_complete_json_files_and_folders_only() throws Exception {
        assertEquals(List.of("plans", "tasks.json"), candidates("planexec", "validate", ""));
        assertEquals(List.of("plans/demo.json"), candidates("planexec", "run", "plans/"));
        assertEquals(List.of("tasks.json"), candidates("./planexec", "reset", "t"));
    }

    @Test
    void the_top_level_completes_commands_and_plans() throws Exception {
        assertEquals(
                List.of(
                        "agents",
                        "completion",
                        "land",
                        "list",
                        "plans",
                        "reset",
                        "run",
                        "sessions",
                        "tasks.json",
                        "validate"),
                candidates("planexec", ""));
    }

    @Test
    void agent_completes_agent_names() throws Exception {
        List<String> agents = candidates("planexec", "run", "tasks.json", "--agent", "");
        assertTrue(agents.containsAll(List.of("local", "copilot", "claude")), agents::toString);
        assertEquals(
                List.of("claude", "codex", "copilot", "cursor"),
                candidates("planexec", "run", "x.json", "--agent", "c"));
    }

    @Test
    void zsh_gets_the_same_script_which_turns_on_bash_completion_in_zsh() {
        CommandRunner.Result r = new CommandRunner(sandbox.home()).run("completion", "zsh");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("bashcompinit"), "zsh loads bashcompinit");
        assertTrue(r.out().contains("complete -F _complete_planexec"));

        CommandRunner.Result fish = new CommandRunner(sandbox.home()).run("completion", "fish");
        assertEquals(2, fish.exitCode(), fish::toString);
        assertEquals("planexec: completion: say bash or zsh, not \"fish\"\n", fish.err());
    }

    /** What bash offers for the last of {@code words}, sorted. */
    private List<String> candidates(String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append(" '").append(word).append('\'');
        }
        String program = "source '" + script + "' 2>/dev/null\n"
                + "compopt() { :; }\n" // outside a real Tab press bash refuses compopt; its effect is not tested here
                + "COMP_WORDS=(" + array + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "_complete_planexec\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\" | sort -u\n";
        Path out = sandbox.logs().resolve("candidates.txt");
        Process bash = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program)
                .directory(sandbox.work().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(sandbox.logs().resolve("candidates.err").toFile())
                .start();
        try {
            assertTrue(bash.waitFor(30, TimeUnit.SECONDS), "bash finished");
        } finally {
            bash.destroyForcibly();
        }
        return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isEmpty())
                .toList();
    }
}
