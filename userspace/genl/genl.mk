# SPDX-License-Identifier: GPL-2.0
# genl.mk - the build the generic netlink tools (vswctl, vtpmctl) share:
# libnl-3 (genl); <linux/$(UAPI)> from ../../include/uapi; the text and
# JSON printer of vhvstat (../vhvstat/print.c) and the family-independent
# netlink code of ../genl (nl.c, extack.c, util.c), compiled as they are.
#
# The tool's Makefile sets TOOL (its name: $(TOOL).c holds main()) and
# UAPI (its family's header), includes this file before any rule of its
# own, and adds its tests, check, install and clean.

CC      ?= gcc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config
NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-3.0 libnl-genl-3.0)
NL_LIBS   := $(shell $(PKG_CONFIG) --libs libnl-3.0 libnl-genl-3.0)
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -I../../include/uapi \
		   -I.. -I../vhvstat $(NL_CFLAGS)
override LDLIBS += $(NL_LIBS)
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man

GENL_OBJS := genl-extack.o genl-nl.o genl-util.o
LIB_OBJS := args.o attrs.o cmd.o extack.o nl.o print.o show.o util.o \
	    $(GENL_OBJS)
OBJS     := $(TOOL).o $(LIB_OBJS)
HDRS     := $(wildcard *.h ../genl/*.h) ../vhvstat/print.h \
	    ../../include/uapi/linux/$(UAPI)

ifeq ($(NL_LIBS),)
$(error libnl-3.0 and libnl-genl-3.0 not found by pkg-config: run 'make setup')
endif

all: $(TOOL)

$(TOOL): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

print.o: ../vhvstat/print.c ../vhvstat/print.h
	$(CC) $(CFLAGS) -c -o $@ $<

genl-%.o: ../genl/%.c $(wildcard ../genl/*.h)
	$(CC) $(CFLAGS) -c -o $@ $<

%.o: %.c $(HDRS)
	$(CC) $(CFLAGS) -c -o $@ $<

.PHONY: all
