package dev.switchboard.schemas.spi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/** The options record a factory declares as its SPI's type argument ({@code implements StepFactory<Options>}). */
final class OptionsTypes {

    private OptionsTypes() {
    }

    /**
     * The type argument {@code factory} or one of its superclasses gives {@code spi} where it implements it; a generic
     * base that leaves it open (a {@code Factory<O>} of its own) overrides {@code optionsType()} instead.
     */
    @SuppressWarnings("unchecked")
    static <O> Class<O> of(Class<?> factory, Class<?> spi) {
        for (Class<?> type = factory; type != null; type = type.getSuperclass()) {
            for (Type implemented : type.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType parameterized && parameterized.getRawType() == spi
                        && parameterized.getActualTypeArguments()[0] instanceof Class<?> options) {
                    return (Class<O>) options;
                }
            }
        }
        throw new IllegalStateException("Options type of " + factory.getName() + ": got no record type argument of "
                + spi.getSimpleName() + ", expected `implements " + spi.getSimpleName() + "<Options>`. Name the record there, "
                + "or override optionsType()");
    }
}
