package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecurrentWeightShapesTest {

    @Test
    void kerasKernelsOfFourThreeAndOneGateBlocksAreLstmGruAndSimpleRnn() {
        assertEquals(Optional.of(RecurrentWeightShapes.Kind.LSTM),
                RecurrentWeightShapes.kerasKind(new long[] {8, 256}, new long[] {64, 256}));
        assertEquals(Optional.of(RecurrentWeightShapes.Kind.GRU),
                RecurrentWeightShapes.kerasKind(new long[] {8, 192}, new long[] {64, 192}));
        assertEquals(Optional.of(RecurrentWeightShapes.Kind.SIMPLE_RNN),
                RecurrentWeightShapes.kerasKind(new long[] {8, 64}, new long[] {64, 64}));
    }

    @Test
    void kernelsWhoseGateBlocksDisagreeAreNoRecurrentLayer() {
        assertEquals(Optional.empty(), RecurrentWeightShapes.kerasKind(new long[] {8, 256}, new long[] {64, 192}));
        assertEquals(Optional.empty(), RecurrentWeightShapes.kerasKind(new long[] {8, 100}, new long[] {64, 256}));
        assertEquals(Optional.empty(), RecurrentWeightShapes.kerasKind(new long[] {256}, new long[] {64, 256}));
    }

    @Test
    void anLstmBiasIsFourUnitsLongAsAVectorOrARowOrAbsent() {
        assertTrue(RecurrentWeightShapes.lstmBiasFits(new long[] {256}, 64));
        assertTrue(RecurrentWeightShapes.lstmBiasFits(new long[] {1, 256}, 64));
        assertTrue(RecurrentWeightShapes.lstmBiasFits(null, 64));
        assertFalse(RecurrentWeightShapes.lstmBiasFits(new long[] {192}, 64));
    }

    @Test
    void aTf1LstmCellKernelSpansInputAndStateConcatenated() {
        assertEquals(Optional.of(16L), RecurrentWeightShapes.tf1LstmCellUnits(new long[] {20, 64}, new long[] {64}));
        assertEquals(Optional.empty(), RecurrentWeightShapes.tf1LstmCellUnits(new long[] {16, 64}, new long[] {64}));
        assertEquals(Optional.empty(), RecurrentWeightShapes.tf1LstmCellUnits(new long[] {20, 64}, null));
    }
}
