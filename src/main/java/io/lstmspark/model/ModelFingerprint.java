package io.lstmspark.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** SHA-256 over a model's files (relative names and contents, in name order). */
public final class ModelFingerprint {

    private ModelFingerprint() {
    }

    public static String of(Path model) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            if (Files.isDirectory(model)) {
                try (Stream<Path> walk = Files.walk(model)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(model);
            }
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                String name = Files.isDirectory(model) ? model.relativize(file).toString()
                        : file.getFileName().toString();
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                    while (in.read(buffer) >= 0) {
                        // DigestInputStream updates the digest as it reads.
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model files under " + model, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
