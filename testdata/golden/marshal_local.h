/* The application's own types behind represent_as and user_marshal in marshal.acf. */
#ifndef MARSHAL_LOCAL_H
#define MARSHAL_LOCAL_H

typedef struct local_text {
    char *text;
} local_text;

typedef struct user_image {
    int width, height;
    unsigned char *pixels;
} user_image;

#endif
