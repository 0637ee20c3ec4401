package io.lstmspark.model.kerasfile;

import io.lstmspark.model.GraphExtension;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.TensorRef;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;

/**
 * The LSTM states and recurrent state inputs of a model built from a Keras file: its graph has them
 * already (every executor builds the same ops under the same names when it loads the file), so this
 * extension adds nothing and only names them for {@code lstm:<layer>.<part>} outputs and for the
 * states stream mode carries from chunk to chunk.
 */
public record KerasFileStates(String path, List<KerasGraph.LstmStates> lstmLayers,
                              List<KerasGraph.CarriedState> carried) implements GraphExtension {

    public KerasFileStates {
        lstmLayers = List.copyOf(lstmLayers);
        carried = List.copyOf(carried);
    }

    /**
     * The states of {@code model}'s Keras graph, when the model was built from a Keras file; checks on the
     * driver that every {@code lstm:} output of the request names one of its LSTM layers.
     */
    public static Optional<KerasFileStates> of(LoadedModel model, ModelRequest request) {
        Optional<KerasGraph> built = model.kerasGraph();
        if (built.isEmpty()) {
            return Optional.empty();
        }
        KerasFileStates states = new KerasFileStates(model.source().path(), built.get().lstmLayers(),
                built.get().carried());
        request.outputs().forEach((column, ref) -> {
            if (ref instanceof TensorRef.LstmState state && states.layer(state).isEmpty()) {
                throw new ModelException("model " + model.source().path() + " has no LSTM layer '" + state.layer()
                        + "' (outputs." + column + " = " + state + "); its LSTM layers are " + states.layerNames()
                        + ", also addressed by position as lstm:0 ... lstm:" + (states.lstmLayers.size() - 1));
            }
        });
        return Optional.of(states);
    }

    /**
     * The states stream mode feeds and fetches so that every recurrent layer continues from where the
     * previous chunk of the series ended; refused when a layer before a recurrent one combines steps.
     */
    public static List<ModelRequest.StatePair> streamStates(LoadedModel model) {
        KerasGraph built = model.kerasGraph().orElseThrow();
        if (built.streamProblem().isPresent()) {
            throw new ModelException("model " + model.source().path() + " cannot run in mode = stream: "
                    + built.streamProblem().get() + "; use mode = extract or forecast");
        }
        return built.carried().stream()
                .map(state -> new ModelRequest.StatePair(TensorRef.parse(state.initial()),
                        TensorRef.parse(state.last())))
                .toList();
    }

    private List<String> layerNames() {
        return lstmLayers.stream().map(KerasGraph.LstmStates::layer).toList();
    }

    private Optional<KerasGraph.LstmStates> layer(TensorRef.LstmState ref) {
        return lstmLayers.stream()
                .filter(l -> ref.position().isPresent() ? l.position() == ref.position().getAsInt()
                        : l.layer().equals(ref.layer()))
                .findFirst();
    }

    @Override
    public void addTo(Graph graph) {
        // Built with the model when the Keras file was loaded.
    }

    @Override
    public Optional<String> tensorFor(TensorRef ref) {
        return ref instanceof TensorRef.LstmState state ? layer(state).map(layer -> switch (state.part()) {
            case H -> layer.h();
            case C -> layer.c();
            case SEQUENCE -> layer.sequence();
            case CELL_SEQUENCE -> layer.cellSequence();
        }) : Optional.empty();
    }
}
