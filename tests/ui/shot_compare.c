/* Compares fresh screenshots with the references (tests/ui/ref), or
 * refreshes the references. References are stored at half size to keep the
 * repository small; a fresh picture is halved (2x2 averages) before it is
 * compared. A pixel differs if a channel differs by more than 48; a
 * picture differs if more than 1 % of its pixels do.
 *
 *   shot_compare REF_DIR NEW_DIR NAME     compare NEW_DIR/NAME.png with REF_DIR/NAME.png
 *   shot_compare --refresh REF_DIR NEW_DIR  write every picture of NEW_DIR, halved, into REF_DIR */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL_TOLERANCE 48
#define PIXELS_PERMILLE 10

static SDL_Surface *load(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    SDL_Surface *s = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0) : NULL;
    SDL_FreeSurface(raw);
    if (!s)
        fprintf(stderr, "shot_compare: cannot read %s: %s\n", path, IMG_GetError());
    return s;
}

/* The picture at half size, each pixel the average of four. */
static SDL_Surface *halve(const SDL_Surface *in)
{
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, in->w / 2, in->h / 2, 24, SDL_PIXELFORMAT_RGB24);
    for (int y = 0; out && y < out->h; y++)
        for (int x = 0; x < out->w; x++)
            for (int ch = 0; ch < 3; ch++) {
                const Uint8 *p = (const Uint8 *)in->pixels + 2 * y * in->pitch + 2 * x * 3 + ch;
                int sum = p[0] + p[3] + p[in->pitch] + p[in->pitch + 3];
                ((Uint8 *)out->pixels)[y * out->pitch + x * 3 + ch] = (Uint8)((sum + 2) / 4);
            }
    return out;
}

static int compare(const char *ref_dir, const char *new_dir, const char *name)
{
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/%s.png", ref_dir, name);
    snprintf(b, sizeof b, "%s/%s.png", new_dir, name);
    SDL_Surface *ref = load(a), *full = load(b), *got = full ? halve(full) : NULL;
    int status = 1;
    if (ref && got && (ref->w != got->w || ref->h != got->h)) {
        fprintf(stderr, "shot_compare: %s is %dx%d, the reference %dx%d\n", name, got->w, got->h, ref->w, ref->h);
    } else if (ref && got) {
        long differ = 0, total = (long)ref->w * ref->h;
        for (int y = 0; y < ref->h; y++)
            for (int x = 0; x < ref->w; x++) {
                const Uint8 *p = (const Uint8 *)ref->pixels + y * ref->pitch + x * 3;
                const Uint8 *q = (const Uint8 *)got->pixels + y * got->pitch + x * 3;
                for (int ch = 0; ch < 3; ch++)
                    if (abs(p[ch] - q[ch]) > CHANNEL_TOLERANCE) {
                        differ++;
                        break;
                    }
            }
        status = differ * 1000 > total * PIXELS_PERMILLE;
        printf("%s: %ld of %ld pixels differ (%s)\n", name, differ, total, status ? "too many" : "within tolerance");
        if (status)
            fprintf(stderr, "shot_compare: %s no longer looks like its reference; if the change is meant, refresh "
                            "the references (docs/ui.md)\n", name);
    }
    SDL_FreeSurface(ref);
    SDL_FreeSurface(full);
    SDL_FreeSurface(got);
    return status;
}

static int refresh(const char *ref_dir, const char *new_dir)
{
    DIR *d = opendir(new_dir);
    if (!d) {
        fprintf(stderr, "shot_compare: cannot open %s\n", new_dir);
        return 1;
    }
    int n = 0, status = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".png") != 0)
            continue;
        char in[1024], out[1024];
        snprintf(in, sizeof in, "%s/%s", new_dir, e->d_name);
        snprintf(out, sizeof out, "%s/%s", ref_dir, e->d_name);
        SDL_Surface *full = load(in), *half = full ? halve(full) : NULL;
        if (!half || IMG_SavePNG(half, out) != 0) {
            fprintf(stderr, "shot_compare: cannot write %s\n", out);
            status = 1;
        }
        n += status == 0;
        SDL_FreeSurface(full);
        SDL_FreeSurface(half);
    }
    closedir(d);
    printf("shot_compare: %d references written to %s\n", n, ref_dir);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--refresh") == 0)
        return refresh(argv[2], argv[3]);
    if (argc != 4) {
        fprintf(stderr, "usage: shot_compare REF_DIR NEW_DIR NAME | --refresh REF_DIR NEW_DIR\n");
        return 2;
    }
    return compare(argv[1], argv[2], argv[3]);
}
