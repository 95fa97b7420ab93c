package dev.planexec.agent.local;

import static dev.planexec.testing.LocalAgents.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.TurnResult;
import dev.planexec.testing.LocalAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session files are private, and no session id reaches outside the sessions folder. */
@Timeout(60)
class LocalSessionSecurityTest {
    @TempDir
    Path tmp;

    @Test
    void session_folders_are_0700_and_event_logs_0600_after_a_real_session() throws Exception {
        Path state = tmp.resolve("state");
        Path work = Files.createDirectory(tmp.resolve("work"));
        String id = "planexec-p-a-00000001";

        try (AgentRuntime local = LocalAgents.open(state)) {
            try (AgentSession session = local.create(spec(id, work, "echo secret-free output", "echo more >&2"))) {
                assertInstanceOf(TurnResult.Completed.class, session.send("", e -> {}));
            }
        }

        Path sessions = state.resolve("sessions");
        assertEquals("rwx------", mode(sessions));
        assertEquals("rwx------", mode(sessions.resolve(id)));
        assertEquals("rw-------", mode(sessions.resolve(id).resolve("events.jsonl")));
        try (Stream<Path> all = Files.walk(sessions)) {
            for (Path p : all.toList()) {
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------", mode(p), p.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "../x", "..", "/tmp/x", "a/../../x", "sub/dir"})
    void a_hostile_session_id_writes_only_under_the_sessions_folder(String id) throws Exception {
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Path state = Files.createDirectory(outside.resolve("state"));
        Path work = Files.createDirectory(outside.resolve("work"));
        Path sessions = state.resolve("sessions");
        Set<Path> before = tree(tmp);

        try (AgentRuntime local = LocalAgents.open(state)) {
            SessionSpec spec = spec(id, work, "true");
            try (AgentSession session = local.create(spec)) {
                assertEquals(id, session.id());
                assertInstanceOf(TurnResult.Completed.class, session.send("", e -> {}));
            }
            try (AgentSession session = local.resume(spec)) {
                session.send("", e -> {});
            }
            assertEquals(id, local.find(id).orElseThrow().id(), "the session is found by its own id");

            Set<Path> created = new TreeSet<>(tree(tmp));
            created.removeAll(before);
            Path folder = sessions.resolve(SessionIds.fileName(id));
            for (Path p : created) {
                assertTrue(p.equals(sessions) || p.startsWith(folder), "written outside the session folder: " + p);
            }
            assertTrue(Files.isRegularFile(folder.resolve("events.jsonl")));
            assertFalse(Files.exists(Path.of("/tmp/x/events.jsonl")) && id.equals("/tmp/x"));

            local.delete(id);

            assertFalse(Files.exists(folder));
            assertEquals(before, withoutSessionsFolder(tree(tmp), sessions), "delete removed only the session");
        }
    }

    private static Set<Path> withoutSessionsFolder(Set<Path> paths, Path sessions) {
        return paths.stream().filter(p -> !p.equals(sessions)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every path under {@code root}, including {@code root}. */
    private static Set<Path> tree(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void ids_listed_in_a_folder_name_form_cannot_collide_with_hashed_ones() {
        List<String> names = List.of("../../x", "..", "/tmp/x").stream()
                .map(SessionIds::fileName)
                .toList();

        assertEquals(3, Set.copyOf(names).size(), names::toString);
    }
}
