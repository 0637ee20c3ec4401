package io.lstmspark.model.kerasfile;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What both Keras layouts read from HDF5: members (never through a link), attributes, weights. */
final class Hdf5Nodes {

    private Hdf5Nodes() {
    }

    /**
     * A member of a group, refusing links: an external link would make the job open another file on the
     * machine, and Keras never writes links.
     */
    static Node child(Group group, String name, Path path) {
        Node node = group.getChildren().get(name);
        if (node != null && node.isLink()) {
            throw new KerasFileException(path + ": " + group.getPath() + name + " is a link to "
                    + ((Link) node).getTargetPath() + "; Keras files hold their weights themselves, and "
                    + "lstm-spark follows no link out of a model file");
        }
        return node;
    }

    /** A float32 or float64 dataset as a weight named {@code name}; other types refused. */
    static KerasWeight weight(Dataset dataset, String name) {
        Class<?> type = dataset.getJavaType();
        long[] shape = dataset.getDimensionsAsLong();
        Object flat = dataset.isScalar() ? dataset.getData() : dataset.getDataFlat();
        double[] values;
        if (type == float.class || type == Float.class) {
            float[] floats = flat instanceof float[] f ? f : new float[] {(Float) flat};
            values = new double[floats.length];
            for (int i = 0; i < floats.length; i++) {
                values[i] = floats[i];
            }
            return new KerasWeight(name, shape, values, false);
        }
        if (type == double.class || type == Double.class) {
            values = flat instanceof double[] d ? d.clone() : new double[] {(Double) flat};
            return new KerasWeight(name, shape, values, true);
        }
        throw new KerasFileException("weight " + name + " is " + type.getSimpleName() + "; lstm-spark builds models"
                + " with float32 or float64 weights (a float16 or mixed-precision model: cast it to float32 and "
                + "save it again)");
    }

    static Object attribute(Node node, String name) {
        Attribute attribute = node.getAttributes().get(name);
        return attribute == null ? null : attribute.getData();
    }

    static String text(Object value, String otherwise) {
        return value == null ? otherwise : value.toString();
    }

    /** A string-list attribute, which Keras splits into {@code name0}, {@code name1}, ... when it is large. */
    static List<String> stringList(Node node, String name) {
        List<String> values = new ArrayList<>();
        Object whole = attribute(node, name);
        if (whole != null) {
            addStrings(whole, values);
            return values;
        }
        for (int chunk = 0; attribute(node, name + chunk) != null; chunk++) {
            addStrings(attribute(node, name + chunk), values);
        }
        return values;
    }

    static void addStrings(Object value, List<String> into) {
        if (value instanceof Object[] array) {
            for (Object element : array) {
                into.add(element.toString());
            }
        } else {
            into.add(value.toString());
        }
    }
}
