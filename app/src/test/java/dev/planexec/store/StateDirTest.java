package dev.planexec.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {

    @Test
    void planexec_home_comes_first() {
        StateDir dir = StateDir.resolve(Map.of("PLANEXEC_HOME", "/srv/px", "XDG_STATE_HOME", "/xdg"));

        assertEquals(Path.of("/srv/px"), dir.root());
    }

    @Test
    void xdg_state_home_comes_next() {
        StateDir dir = StateDir.resolve(Map.of("XDG_STATE_HOME", "/xdg"));

        assertEquals(Path.of("/xdg/planexec"), dir.root());
    }

    @Test
    void a_blank_variable_counts_as_unset() {
        StateDir dir = StateDir.resolve(Map.of("PLANEXEC_HOME", " ", "XDG_STATE_HOME", "/xdg"));

        assertEquals(Path.of("/xdg/planexec"), dir.root());
    }

    @Test
    void the_default_is_under_the_home_folder() {
        StateDir dir = StateDir.resolve(Map.of());

        assertEquals(Path.of(System.getProperty("user.home"), ".local", "state", "planexec"), dir.root());
    }

    @Test
    void sessions_and_log_live_under_the_root() {
        StateDir dir = StateDir.resolve(Map.of("PLANEXEC_HOME", "/srv/px"));

        assertEquals(Path.of("/srv/px/sessions"), dir.sessions());
        assertEquals(Path.of("/srv/px/logs/planexec.log"), dir.logFile());
    }

    @Test
    void the_root_is_created_owner_only(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("a/b/state");

        StateDir.resolve(Map.of("PLANEXEC_HOME", root.toString())).create();

        assertEquals("rwx------", mode(root));
        assertEquals("rwx------", mode(tmp.resolve("a/b")), "missing parents are made private too");
    }

    @Test
    void an_existing_root_is_narrowed_to_owner_only(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

        StateDir.resolve(Map.of("PLANEXEC_HOME", root.toString())).create();

        assertEquals("rwx------", mode(root));
    }

    @Test
    void a_file_in_the_way_is_reported_and_left_alone(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "mine\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        StateDir dir =
                StateDir.resolve(Map.of("PLANEXEC_HOME", file.resolve("state").toString()));

        IOException e = assertThrows(IOException.class, dir::create);

        assertTrue(e.getMessage().contains(file + ": a file is in the way"), e.getMessage());
        assertEquals("rw-r--r--", mode(file), "the file keeps its mode");
        assertEquals("mine\n", Files.readString(file));
    }

    @Test
    void the_log_file_is_owner_only(@TempDir Path tmp) throws Exception {
        LogFile log = new LogFile(tmp.resolve("state/logs/planexec.log"));

        log.info("hello");
        log.error("broke", new IllegalStateException("boom"));

        assertEquals("rw-------", mode(log.path()));
        assertEquals("rwx------", mode(log.path().getParent()));
        String text = Files.readString(log.path());
        assertTrue(text.contains("INFO  hello"), text);
        assertTrue(text.contains("IllegalStateException: boom"), text);
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
