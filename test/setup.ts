import fc from 'fast-check';

// fast-check 4 caps generated arrays and strings at about 10 items unless
// a size is given, whatever the maxLength. Each property here states the
// length it wants explicitly, so that bound is the one generated up to.
fc.configureGlobal({ ...fc.readConfigureGlobal(), defaultSizeToMaxWhenMaxSpecified: true });
