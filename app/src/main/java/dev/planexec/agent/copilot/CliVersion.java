package dev.planexec.agent.copilot;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Copilot CLI version, and which ones work with the SDK planexec is built on.
 *
 * <p>From CLI 1.0.52 on, the CLI's {@code ping} answer carries its timestamp as an ISO-8601 string, which
 * {@code copilot-sdk-java} 0.3.0-java.2 reads as a number: {@code client.start()} fails for every newer CLI. 1.0.50
 * is the newest that works (1.0.51 was never released; 1.0.24 to 1.0.50 are known to work).
 */
record CliVersion(int major, int minor, int patch) implements Comparable<CliVersion> {
    /** The version planexec is tested with and tells users to install. */
    static final CliVersion PINNED = new CliVersion(1, 0, 50);

    static final String INSTALL = "npm install -g @github/copilot@" + PINNED;

    private static final Pattern BANNER = Pattern.compile("GitHub Copilot CLI (\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern PLAIN = Pattern.compile("(?m)^v?(\\d+)\\.(\\d+)\\.(\\d+)\\b");

    /**
     * The version in what {@code copilot --version} printed: {@code GitHub Copilot CLI 1.0.50.}, or a bare
     * {@code 1.0.50} line.
     */
    static Optional<CliVersion> parse(String output) {
        Matcher m = BANNER.matcher(output);
        if (!m.find()) {
            m = PLAIN.matcher(output);
            if (!m.find()) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new CliVersion(
                    Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean supported() {
        return compareTo(PINNED) <= 0;
    }

    @Override
    public int compareTo(CliVersion other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c != 0 ? c : Integer.compare(patch, other.patch);
    }

    /** The one-line message for a CLI too new for the SDK; {@code version} may be {@code null} if unknown. */
    static String tooNew(CliVersion version, String cli) {
        return "Copilot CLI " + (version == null ? "" : version + " ") + "(" + cli + ") does not work with planexec: "
                + "CLI 1.0.52 and newer changed the protocol that planexec's Copilot SDK speaks, which works with CLI "
                + PINNED + " and older; install " + PINNED + " with '" + INSTALL
                + "', or set PLANEXEC_COPILOT_CLI to a " + PINNED + " binary";
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
