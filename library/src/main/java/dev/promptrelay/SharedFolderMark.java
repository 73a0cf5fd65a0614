package dev.promptrelay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import dev.promptrelay.output.AtomicFiles;

/**
 * The nodes on one journal must share one folder (promptrelay.shared-dir): a prompt file a node holds there is the
 * others' to finish when it dies. A node started with another folder would run, and a dead node's files then wait
 * forever where no one looks. So the first node writes a mark into the folder and the journal; a node whose folder
 * lacks that mark is refused at start with one line saying which folder to set. Paths are not compared: each machine
 * may mount the shared folder at a path of its own.
 */
final class SharedFolderMark {

    /** The mark's file at the top of the shared folder. */
    static final String FILE = ".promptrelay-cluster";

    private SharedFolderMark() {
    }

    private record Known(String mark, String sharedDir, String node) {
    }

    /** @throws IllegalStateException in one line: this node's shared folder is not the one the journal's nodes share */
    static void check(DataSource journal, Path shared, String node) throws SQLException, IOException {
        Path file = shared.resolve(FILE);
        Known known = read(journal);
        if (known == null) {
            String here = readMark(file);
            if (claim(journal, here != null ? here : UUID.randomUUID().toString(), shared, node, file)) {
                return;
            }
            known = read(journal);
        }
        String here = readMark(file);
        if (known.mark().equals(here)) {
            return;
        }
        throw new IllegalStateException("promptrelay.shared-dir " + shared + " is not the folder the nodes of this "
                + "journal share: " + (here == null ? "it lacks the file " + FILE : "its " + FILE + " names another "
                + "cluster") + ", which node " + known.node() + " wrote in " + known.sharedDir() + " (as that node "
                + "mounts it). Set promptrelay.shared-dir to that folder as this machine reaches it (the files of a "
                + "node that stops wait there for the others); if the nodes moved to this folder, move everything "
                + "from the old one here first, or if the old one is lost for good, write " + known.mark() + " into "
                + file);
    }

    /**
     * Records the mark and writes it into the folder in one transaction: a node starting at the same moment waits on
     * the row and then finds the file written.
     */
    private static boolean claim(DataSource journal, String mark, Path shared, String node, Path file)
            throws SQLException, IOException {
        try (Connection c = journal.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO shared_folder_mark (id, mark, shared_dir, "
                    + "node, marked_at) VALUES (1, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                insert.setString(1, mark);
                insert.setString(2, shared.toString());
                insert.setString(3, node.isEmpty() ? "(unnamed)" : node);
                insert.executeUpdate();
            } catch (SQLException e) {
                c.rollback();
                if ("23505".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
            if (!mark.equals(readMark(file))) {
                AtomicFiles.write(file, mark.getBytes(StandardCharsets.UTF_8));
            }
            c.commit();
            return true;
        }
    }

    private static Known read(DataSource journal) throws SQLException {
        try (Connection c = journal.getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT mark, shared_dir, node FROM shared_folder_mark WHERE id = 1")) {
            return rs.next() ? new Known(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
        }
    }

    private static String readMark(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String mark = Files.readString(file, StandardCharsets.UTF_8).strip();
        return mark.isEmpty() ? null : mark;
    }
}
