/* Included by include_location.idl. */
    void fine(void);
    void broken([in] long a b);
